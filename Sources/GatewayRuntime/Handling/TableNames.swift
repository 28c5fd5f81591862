import GatewayIR

/// The names the access log and the metrics give each route and backend (`namespace/name`) and
/// listener, made once per table rather than once per request.
public final class TableNames: Sendable {
    let routes: [String]
    let backends: [String]
    let listeners: [String]

    public init(_ table: RouteTable) {
        func qualified(_ section: TableSection, namespace: Int, name: Int) -> [String] {
            (0..<table.count(section)).map { "\(table.string(table.word(section, $0, namespace)))/\(table.string(table.word(section, $0, name)))" }
        }
        routes = qualified(.routes, namespace: Field.Route.namespace, name: Field.Route.name)
        backends = qualified(.backends, namespace: Field.Backend.namespace, name: Field.Backend.name)
        listeners = (0..<table.count(.listeners)).map { table.string(table.word(.listeners, $0, Field.Listener.name)) }
    }
}
