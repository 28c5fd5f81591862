import GatewayIR

/// Which Gateways and ports a gwrun process serves, decided from the table before binding.
public struct ServePlan: Sendable {
    public var gateway: Int?
    public var ports: [Int]

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
            for listener in table.gateway(gateway).listeners {
                let port = table.listener(listener).port
                if let other = owner[port], other != gateway {
                    throw Refusal(description: "Gateways \(name(other)) and \(name(gateway)) both listen on port \(port); serve one with --gateway NAMESPACE/NAME")
                }
                owner[port] = gateway
            }
        }
        if served.count == 1 { chosen = served[0] }
        return ServePlan(gateway: chosen, ports: owner.keys.sorted())
    }
}
