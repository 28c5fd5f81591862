import GatewayIR

/// Resolves a request the way gwrun and `gwc route` do: through the route table's own lookup,
/// on a table compiled in memory from the analysed manifests. Lint's Hermes checks use it, so
/// lint can never name another route than the gateway picks (there is no second implementation
/// of Gateway API precedence to drift apart).
struct TableRouteResolver {
    struct Match {
        var gateway: ObjectKey
        var listener: String
        var route: HTTPRoute
        var ruleIndex: Int
        var rule: HTTPRouteRule
        /// The policies gwrun applies to the request, in evaluation order (`RouteTable.policyChain`).
        var policies: [RouteTable.AttachedPolicy]
    }

    private let table: RouteTable?
    private let index: ResourceIndex

    /// Compiles `result` (its Hermes endpoints play no part in routing).
    init(result: LintResult) {
        index = result.index
        table = try? RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result, includeSourceMap: false)))
    }

    /// Gateways with a listener on the port.
    func gateways(onPort port: Int) -> [ObjectKey] {
        index.resources.gateways.filter { $0.listeners.contains { $0.port == port } }.map(\.key)
    }

    func resolve(port: Int, host: String, method: String, path: String, headers: [(name: String, value: String)]) -> Match? {
        guard let table else { return nil }
        let query = path.firstIndex(of: "?").map { RouteRequest.parseQuery(String(path[path.index(after: $0)...])) } ?? []
        let bare = path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
        guard let found = table.lookup(RouteRequest(port: port, host: host, method: method, path: bare, headers: headers, query: query)),
            let rule = found.rule
        else { return nil }
        let routeRecord = table.route(table.rule(rule).route)
        let routeKey = ObjectKey(group: APIGroup.gateway, kind: "HTTPRoute", namespace: routeRecord.namespace, name: routeRecord.name)
        let ruleIndex = table.rule(rule).ruleIndex
        guard let route = index.routes[routeKey], route.rules.indices.contains(ruleIndex) else { return nil }
        let gatewayRecord = table.gateway(found.gateway)
        let gateway = ObjectKey(group: APIGroup.gateway, kind: "Gateway", namespace: gatewayRecord.namespace, name: gatewayRecord.name)
        return Match(
            gateway: gateway, listener: table.listener(found.listener).name, route: route, ruleIndex: ruleIndex, rule: route.rules[ruleIndex],
            policies: table.policyChain(rule: rule, listener: found.listener))
    }
}
