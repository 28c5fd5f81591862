import GatewayIR

/// The names the access log and the metrics give each route and backend (`namespace/name`) and
/// listener, made once per table rather than once per request.
public final class TableNames: Sendable {
    let routes: [String]
    let backends: [String]
    let listeners: [String]

    public init(_ table: RouteTable) {
        routes = (0..<table.count(.routes)).map { "\(table.route($0).namespace)/\(table.route($0).name)" }
        backends = (0..<table.count(.backends)).map { "\(table.backend($0).namespace)/\(table.backend($0).name)" }
        listeners = (0..<table.count(.listeners)).map { table.listener($0).name }
    }
}
