import GatewayIR

/// The last request stage: how the chosen backend is reached. A Service or static backend is
/// proxied on the connection's loop (`GatewayConnectionHandler+Proxy`), an AI backend answered
/// by `AIExchange`; other kinds get 501.
struct UpstreamStage: Sendable {
    var name: String { "upstream" }

    func route(_ context: RequestContext, _ processor: RequestProcessor) -> RequestProcessor.Routing {
        guard let ref = context.backendRef, let backend = context.backend else { return .answer(.text(500, "no backend chosen")) }
        let table = processor.table
        let rule = context.rule
        func proxy(host: String, port: Int) -> RequestProcessor.Routing {
            let authority = port == 80 ? host : "\(host):\(port)"
            return .proxy(RequestProcessor.PlainProxy(
                host: host, port: port, hostHeader: context.hostRewrite ?? context.request.header("host") ?? authority, target: context.target,
                headers: context.headers, rule: rule, timeout: processor.timeout(rule: rule, backend: backend)))
        }
        let record = table.backend(backend)
        switch record.kind {
        case .ai?:
            return .ai(backend: backend, rule: rule, headers: context.headers)
        case .service?:
            return proxy(host: "\(record.name).\(record.namespace).svc.cluster.local", port: table.backendRef(ref).port ?? 80)
        case .static?:
            return proxy(host: record.host ?? "", port: record.port ?? 80)
        default:
            return .answer(.text(501, "backend \(processor.names.backends[backend]) is of a kind gwrun does not serve yet"))
        }
    }
}
