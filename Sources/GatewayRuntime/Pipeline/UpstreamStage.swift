import GatewayIR

/// The last request stage: how the chosen backend is reached. A Service or static backend is
/// proxied on the connection's loop (`GatewayConnectionHandler+Proxy`), an AI backend answered
/// by `AIExchange`; other kinds get 501.
struct UpstreamStage: Sendable {
    var name: String { "upstream" }

    /// An IPv4 or IPv6 literal, not a host name: anything with a colon, or four dot-separated
    /// decimal numbers up to 255. One pass over the bytes, no allocation: it runs per request.
    static func isAddress(_ host: String) -> Bool {
        if host.utf8.contains(UInt8(ascii: ":")) { return true }
        var parts = 0, value = 0, digits = 0
        for byte in host.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0 else { return false }
                parts += 1
                (value, digits) = (0, 0)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return false }
            default: return false
            }
        }
        return parts == 3 && digits > 0
    }

    func route(_ context: RequestContext, _ processor: RequestProcessor) -> RequestProcessor.Routing {
        guard let ref = context.backendRef, let backend = context.backend else { return .answer(.text(500, "no backend chosen")) }
        let table = processor.table
        let rule = context.rule
        let record = table.backend(backend)
        let tls = processor.upstreamTLS.context(record.tls)
        func proxy(host: String, port: Int, hostByName: Bool) -> RequestProcessor.Routing {
            let authority = port == (tls == nil ? 80 : 443) ? host : "\(host):\(port)"
            // `hostRewrite`: Auto sends the backend's authority; the default is Auto for a static
            // backend named by a host name (as agentgateway's), None otherwise; a URLRewrite's hostname wins.
            let rewrite = (context.policies?.hostRewriteAuto ?? hostByName) ? authority : nil
            var headers = context.headers
            context.record.trace?.startUpstream(host: host, port: port, genAI: nil, into: &headers)
            return .proxy(RequestProcessor.PlainProxy(
                host: host, port: port, hostHeader: context.hostRewrite ?? rewrite ?? context.request.header("host") ?? authority, target: context.target,
                headers: headers, rule: rule, timeout: processor.timeout(rule: rule, backend: backend), retry: context.policies?.retry, tls: tls))
        }
        switch record.kind {
        case .ai?:
            return .ai(backend: backend, rule: rule, headers: context.headers)
        case .service?:
            return proxy(host: "\(record.name).\(record.namespace).svc.cluster.local", port: table.backendRef(ref).port ?? 80, hostByName: false)
        case .static?:
            let host = record.host ?? ""
            return proxy(host: host, port: record.port ?? (tls == nil ? 80 : 443), hostByName: !Self.isAddress(host))
        default:
            return .answer(.text(501, "backend \(processor.names.backends[backend]) is of a kind gwrun does not serve yet"))
        }
    }
}
