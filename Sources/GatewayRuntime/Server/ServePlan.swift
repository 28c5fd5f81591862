import GatewayIR

/// Which Gateways and ports a gwrun process serves, decided from the table before binding.
public struct ServePlan: Sendable {
    public var gateway: Int?
    public var ports: [Int]
    /// Listeners gwrun does not serve, one line each for the start-up log.
    public var notServed: [String] = []

    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// `gatewayName` (`namespace/name`) picks one Gateway; otherwise every Gateway is served, and
    /// two Gateways claiming one port is refused (in Kubernetes each has its own address).
    public static func make(table: RouteTable, gatewayName: String?) throws -> ServePlan {
        func name(_ index: Int) -> String {
            "\(table.gateway(index).namespace)/\(table.gateway(index).name)"
        }
        var served = Array(0..<table.count(.gateways))
        var notServed: [String] = []
        var chosen: Int?
        if let gatewayName {
            guard let index = served.first(where: { name($0) == gatewayName }) else {
                throw Refusal(description: "the table has no Gateway \(gatewayName); it has \(served.map(name).joined(separator: ", "))")
            }
            served = [index]
            chosen = index
        }
        var owner: [Int: Int] = [:]
        for gateway in served {
            // TLS, TCP and Passthrough listeners are not served (gwc lint says so): no socket for them.
            for listener in table.gateway(gateway).listeners where Self.isServed(table.listener(listener)) {
                let port = table.listener(listener).port
                if let other = owner[port], other != gateway {
                    throw Refusal(description: "Gateways \(name(other)) and \(name(gateway)) both listen on port \(port); serve one with --gateway NAMESPACE/NAME")
                }
                owner[port] = gateway
            }
        }
        if served.count == 1 { chosen = served[0] }
        for gateway in served {
            for listener in table.gateway(gateway).listeners.map(table.listener) where !isServed(listener) {
                let what = listener.tlsMode == .passthrough ? "\(listener.protocol) Passthrough" : listener.protocol
                notServed.append("listener \"\(listener.name)\" of Gateway \(name(gateway)) (\(what), port \(listener.port)) is not served")
            }
        }
        return ServePlan(gateway: chosen, ports: owner.keys.sorted(), notServed: notServed)
    }

    static func isServed(_ listener: RouteTable.ListenerRecord) -> Bool {
        (listener.protocol == "HTTP" && listener.tlsMode == .none) || (listener.protocol == "HTTPS" && listener.tlsMode == .terminate)
    }
}
