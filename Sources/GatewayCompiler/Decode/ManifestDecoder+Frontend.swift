import GatewayIR

/// An AgentgatewayPolicy's `frontend`: `tls`, `networkAuthorization`, `proxyProtocol` and `tracing`
/// (`ManifestDecoder+Tracing`) are compiled; every other field is reported as not enforced (GW420).
extension ManifestDecoder {
    static let enforcedFrontend: Set<String> = [
        "tls.minProtocolVersion", "tls.maxProtocolVersion", "tls.cipherSuites", "tls.handshakeTimeout", "tls.alpnProtocols", "tls.keyExchangeGroups",
        "networkAuthorization.action", "networkAuthorization.policy", "proxyProtocol.mode", "proxyProtocol.version",
        "tracing.url", "tracing.backendRef.group", "tracing.backendRef.kind", "tracing.backendRef.name", "tracing.backendRef.namespace", "tracing.backendRef.port",
        "tracing.path", "tracing.protocol", "tracing.randomSampling", "tracing.clientSampling",
    ]
    /// The TLS 1.3 suites BoringSSL always offers together (it has no switch for one of them).
    static let tls13Suites: Set<String> = ["TLS13_AES_128_GCM_SHA256", "TLS13_AES_256_GCM_SHA384", "TLS13_CHACHA20_POLY1305_SHA256"]

    mutating func decodeFrontend(_ node: Node, reader: NodeReader, object: String, namespace: String, portLimited: Bool) -> FrontendPolicy {
        reportUnenforced(node, prefix: "spec.frontend", enforced: Self.enforcedFrontend, reader: reader, object: object)
        var frontend = FrontendPolicy()
        if let entry = reader.entries(node).first(where: { $0.key.text == "tracing" }), !entry.value.isNull {
            frontend.tracing = decodeTracing(entry.value, key: reader.location(entry.key.mark), reader: reader, object: object, namespace: namespace, portLimited: portLimited)
        }
        if let tls = node["tls"], !tls.isNull { frontend.tls = decodeFrontendTLS(tls, reader: reader, object: object) }
        if let proxy = node["proxyProtocol"], !proxy.isNull {
            frontend.proxyProtocol = .init(mode: reader.string(proxy, "mode") ?? "Strict", version: reader.string(proxy, "version") ?? "V2")
        }
        if let rule = node["networkAuthorization"], !rule.isNull {
            let action = reader.string(rule, "action") ?? "Allow"
            var expressions: [SourceExpression] = []
            for item in reader.items(rule["policy"], "matchExpressions") {
                let text = item.scalarText ?? ""
                switch SourceExpressionParser.parse(text) {
                case .success(let expression): expressions.append(expression)
                case .failure(let failure):
                    report(Diagnostic(
                        .sourceRuleUnsupported, "`spec.frontend.networkAuthorization` expression cannot be compiled to address ranges (at character \(failure.offset + 1)): \(failure.message)",
                        at: reader.location(item), fix: "write CIDR tests on the client address, such as cidr('10.0.0.0/8').containsIP(source.address), joined with &&, || and !",
                        object: object))
                }
            }
            frontend.networkAuthorization = .init(action: action, expressions: expressions, location: reader.location(rule))
        }
        return frontend
    }

    private mutating func decodeFrontendTLS(_ node: Node, reader: NodeReader, object: String) -> FrontendPolicy.TLS {
        let decoded = FrontendPolicy.TLS(
            minProtocolVersion: reader.string(node, "minProtocolVersion"), maxProtocolVersion: reader.string(node, "maxProtocolVersion"),
            cipherSuites: reader.strings(node, "cipherSuites"), handshakeTimeout: reader.string(node, "handshakeTimeout"),
            alpnProtocols: reader.strings(node, "alpnProtocols"), keyExchangeGroups: reader.strings(node, "keyExchangeGroups"), location: reader.location(node))
        for (field, value) in [("minProtocolVersion", decoded.minProtocolVersion), ("maxProtocolVersion", decoded.maxProtocolVersion)] {
            if let value, value != "1.2", value != "1.3" {
                report(Diagnostic(.invalidPolicy, "`spec.frontend.tls.\(field)` is \(value); gwrun serves TLS 1.2 and 1.3", at: reader.location(node[field]), fix: "use \"1.2\" or \"1.3\"", object: object))
            }
        }
        if let low = decoded.minProtocolVersion, let high = decoded.maxProtocolVersion, low > high {
            report(Diagnostic(.invalidPolicy, "`spec.frontend.tls` minimum version \(low) is above the maximum \(high): no client could connect", at: reader.location(node["maxProtocolVersion"]),
                              fix: "raise maxProtocolVersion or lower minProtocolVersion", object: object))
        }
        if let timeout = decoded.handshakeTimeout, GatewayAPIAnalyzer.durationMilliseconds(timeout) == nil {
            report(Diagnostic(.invalidPolicy, "`spec.frontend.tls.handshakeTimeout` \(timeout) is not a duration", at: reader.location(node["handshakeTimeout"]), fix: "write it as 10s or 500ms", object: object))
        }
        let chosen13 = Set(decoded.cipherSuites).intersection(Self.tls13Suites)
        if !chosen13.isEmpty, chosen13 != Self.tls13Suites {
            report(Diagnostic(
                .notEnforced, "`spec.frontend.tls.cipherSuites` names \(chosen13.count) of the 3 TLS 1.3 suites; gwrun's TLS library (BoringSSL) offers all three whenever TLS 1.3 is on",
                at: reader.location(node["cipherSuites"]), fix: "list all three TLS 1.3 suites, or none (then TLS 1.3 is off), or set maxProtocolVersion: \"1.2\"", object: object))
        }
        for (offset, protocolName) in decoded.alpnProtocols.enumerated() where protocolName != "http/1.1" {
            report(Diagnostic(
                .notEnforced, "`spec.frontend.tls.alpnProtocols` lists \(protocolName); gwrun speaks HTTP/1.1 only, so it never negotiates \(protocolName)",
                at: reader.location(reader.items(node, "alpnProtocols")[offset]), fix: "list http/1.1 only", object: object))
        }
        return decoded
    }
}
