import GatewayIR

/// The table's lookup, the one `gwc route` uses: a 404 when nothing matches, a 500 for an invalid
/// rule or backendRef, a redirect's answer; else the chosen backendRef goes on to later stages.
struct RouteStage: RequestStage {
    var name: String { "route" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        let request = context.request
        let table = processor.table
        let routeRequest = RouteRequest(
            port: request.listenerPort, host: request.header("host") ?? "", method: request.method, path: request.path,
            headers: request.headers, query: RouteRequest.parseQuery(request.query))
        let decision = table.decide(routeRequest, gateway: processor.gateway, random: context.random)
        context.decision = decision
        if let match = decision.match {
            context.record.listener = processor.names.listeners[match.listener]
            if let rule = match.rule {
                context.record.route = processor.names.routes[table.rule(rule).route]
                context.record.rule = table.rule(rule).ruleIndex
            }
        }
        switch decision.action {
        case .notFound:
            return .answer(.text(404, "no route for \(request.method) \(request.path)"))
        case .invalidBackend(let reason):
            return .answer(.text(500, "invalid backend: \(reason)"))
        case .redirect(let status, let location):
            return .answer(GatewayResponse(status: status, headers: [("location", location)]))
        case .forward(let ref):
            // `.forward` is decided only for a backendRef that resolves.
            let backend = table.backendRef(ref).backend ?? 0
            context.backendRef = ref
            context.backend = backend
            context.record.backend = processor.names.backends[backend]
            if let rule = decision.match?.rule, let listener = decision.match?.listener {
                context.policies = processor.policies.policies(rule: rule, listener: listener)
                context.record.policies = context.policies
            }
            return .next
        }
    }
}
