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
        switch BackendKind(rawValue: table.word(.backends, backend, Field.Backend.kind)) {
        case .ai?:
            return .ai(backend: backend, rule: rule, headers: context.headers)
        case .service?:
            let portValue = table.word(.backendRefs, ref, Field.BackendRef.port)
            let host = "\(table.string(table.word(.backends, backend, Field.Backend.name))).\(table.string(table.word(.backends, backend, Field.Backend.namespace))).svc.cluster.local"
            return proxy(host: host, port: portValue == TableFormat.none ? 80 : Int(portValue))
        case .static?:
            return proxy(host: table.optionalString(table.word(.backends, backend, Field.Backend.host)) ?? "", port: Int(table.word(.backends, backend, Field.Backend.port)))
        default:
            return .answer(.text(501, "backend \(processor.names.backends[backend]) is of a kind gwrun does not serve yet"))
        }
    }
}
