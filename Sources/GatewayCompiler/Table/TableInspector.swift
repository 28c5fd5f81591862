import Foundation
import GatewayIR

/// `gwc inspect`: a table's header, checksum, sizes per section and contents, as text or JSON.
public enum TableInspector {
    public static func json(_ table: RouteTable) -> JSONValue {
        .object([
            "header": .object([
                "magic": .string("gwc route table"), "writeVersion": .int(Int(table.writeVersion)), "readVersion": .int(Int(table.readVersion)),
                "size": .int(table.size), "checksumAlgorithm": .string("crc32c"), "checksum": .string(String(format: "%08x", table.checksum)),
            ]),
            "sections": .array(TableSection.allCases.map { section in
                let info = table.sectionInfo(section)
                return .object(["name": .string(section.name), "offset": .int(info.offset), "bytes": .int(info.length), "records": .int(table.count(section))])
            }),
            "gateways": .array((0..<table.count(.gateways)).map { gatewayJSON(table, $0) }),
            "routes": .array((0..<table.count(.routes)).map { routeJSON(table, $0) }),
            "backends": .array((0..<table.count(.backends)).map { backendJSON(table, $0) }),
            "policies": .array((0..<table.count(.policies)).map { .string(describePolicy(table, $0)) }),
            "hermesClients": .array((0..<table.count(.hermesClients)).map { hermesJSON(table, $0) }),
        ])
    }

    static func gatewayJSON(_ table: RouteTable, _ gateway: Int) -> JSONValue {
        let record = table.gateway(gateway)
        return .object([
            "namespace": .string(record.namespace), "name": .string(record.name),
            "listeners": .array(record.listeners.map { listenerJSON(table, $0) }),
        ])
    }

    static func listenerJSON(_ table: RouteTable, _ listener: Int) -> JSONValue {
        let record = table.listener(listener)
        let members: [JSONValue.Member] = [
            .init("name", .string(record.name)), .init("protocol", .string(record.protocol)), .init("port", .int(record.port)),
            .init("hostname", record.hostname.map { JSONValue.string($0) } ?? .null),
            .init("tls", record.tlsMode == .none ? .null : .object([
                "mode": .string(record.tlsMode == .terminate ? "Terminate" : "Passthrough"),
                "certificates": .array(record.certificates.map { .string(describeSecretRef(table, $0.certificate)) }),
            ])),
            .init("hosts", .array(record.hosts.map { hostJSON(table, $0) })),
        ]
        return .object(members)
    }

    static func hostJSON(_ table: RouteTable, _ host: Int) -> JSONValue {
        let record = table.host(host)
        let members: [JSONValue.Member] = [
            .init("hostname", .string(record.hostname.isEmpty ? "*" : record.hostname)),
            .init("exactPaths", .int(record.exactPathCount)), .init("prefixPaths", .int(record.prefixPathCount)),
            .init("otherMatches", .int(record.otherMatchCount)),
        ]
        return .object(members)
    }

    static func routeJSON(_ table: RouteTable, _ route: Int) -> JSONValue {
        let record = table.route(route)
        return .object([
            "namespace": .string(record.namespace), "name": .string(record.name),
            "source": .string("\(record.sourceFile):\(record.sourceLine)"),
            "rules": .array(record.rules.map { ruleJSON(table, $0) }),
        ])
    }

    static func ruleJSON(_ table: RouteTable, _ rule: Int) -> JSONValue {
        let record = table.rule(rule)
        var members: [JSONValue.Member] = [
            .init("index", .int(record.ruleIndex)), .init("line", .int(record.sourceLine)), .init("invalid", .bool(record.isInvalid)),
        ]
        if let timeout = record.requestTimeoutMilliseconds { members.append(.init("requestTimeoutMs", .int(Int(timeout)))) }
        members.append(.init("backends", .array(record.backendRefs.map { backendRefJSON(table, $0) })))
        members.append(.init("filters", .array(record.filters.map { JSONValue.string(RouteExplanation.describeFilter(table, $0)) })))
        return .object(members)
    }

    static func backendRefJSON(_ table: RouteTable, _ ref: Int) -> JSONValue {
        let backend = RouteExplanation.backend(table, ref: ref)
        let members: [JSONValue.Member] = [
            .init("kind", .string(backend.kind)), .init("namespace", .string(backend.namespace)), .init("name", .string(backend.name)),
            .init("weight", .int(backend.weight)), .init("valid", .bool(backend.valid)),
        ]
        return .object(members)
    }

    static func backendJSON(_ table: RouteTable, _ backend: Int) -> JSONValue {
        let kinds: [BackendKind: String] = [.service: "Service", .static: "static", .ai: "ai", .other: "other"]
        let record = table.backend(backend)
        let edits = JSONValue.array(describeEdits(record.requestEdits).map { JSONValue.string($0) })
        let caching: JSONValue? = JSONValue.string(record.promptCaching.map(describeCaching))
        let providers = JSONValue.array(record.providers.map { providerJSON(table, $0) })
        return .object([
            "kind": .string(record.kind.flatMap { kinds[$0] } ?? "?"),
            "namespace": .string(record.namespace), "name": .string(record.name),
            "providers": providers,
            "routeTypes": .object(record.routeTypes.map { JSONValue.Member(table.routeType($0).suffix, .string(table.routeType($0).type)) }),
            "tls": record.tls.map { .string(UpstreamTLSDescription.text(table, $0)) } ?? .null,
            "modelAliases": .object(record.modelAliases.map { JSONValue.Member($0.alias, .string($0.model)) }),
            "requestEdits": edits,
            "promptCaching": caching,
        ])
    }

    static func providerJSON(_ table: RouteTable, _ index: Int) -> JSONValue {
        let provider = table.provider(index)
        let signing: String? = provider.credentialHeader == .awsSigV4 ? "\(provider.signingService ?? "?") in \(provider.signingRegion ?? "?")" : nil
        return .object([
            "provider": .string(provider.kind), "model": JSONValue.string(provider.model), "host": JSONValue.string(provider.host),
            "port": provider.port.map { .int($0) }, "path": JSONValue.string(provider.path), "pathPrefix": JSONValue.string(provider.pathPrefix),
            "tls": provider.tls.map { .string(UpstreamTLSDescription.text(table, $0)) } ?? .null, "query": JSONValue.string(provider.query),
            "credentialHeader": .string(["Authorization: Bearer", "x-api-key", "api-key", "AWS SigV4"][Int(provider.credentialHeader.rawValue)]),
            "signing": JSONValue.string(signing),
            "secretRef": provider.secretRef.map { .string(describeSecretRef(table, $0.index)) },
        ])
    }

    /// `default temperature = 0.5`, `prepend system: "…"`, in the table's order.
    static func describeEdits(_ edits: [(kind: RequestEdit.Kind?, key: String, value: String)]) -> [String] {
        edits.map { edit in
            switch edit.kind {
            case .prepend?, .append?: "\(edit.kind?.rawValue ?? "?") \(edit.key): \(JSONWriter.write(.string(edit.value), pretty: false))"
            default: "\(edit.kind?.rawValue ?? "?") \(edit.key) = \(edit.value)"
            }
        }
    }

    static func describeCaching(_ caching: PromptCaching) -> String {
        let points = [caching.cacheSystem ? "system" : nil, caching.cacheMessages ? "messages (offset \(caching.messageOffset))" : nil, caching.cacheTools ? "tools" : nil].compactMap { $0 }
        return "cache points after \(points.isEmpty ? "nothing" : points.joined(separator: ", ")) from \(caching.minTokens) tokens"
    }

    static func hermesJSON(_ table: RouteTable, _ client: Int) -> JSONValue {
        let record = table.hermesClient(client)
        return .object([
            "config": .string(record.configFile), "role": .string(record.role), "url": .string(record.url), "apiMode": .string(record.mode),
            "model": JSONValue.string(record.model), "request": .string("POST :\(record.port)\(record.path)"),
        ])
    }

    /// `namespace/name[key]`: a reference, never a value.
    static func describeSecretRef(_ table: RouteTable, _ ref: Int) -> String {
        let record = table.secretRef(ref)
        return "\(record.namespace)/\(record.name)\(record.key.isEmpty ? "" : "[\(record.key)]")"
    }

    static func describeOps(_ table: RouteTable, _ ops: Range<Int>) -> String {
        ops.map { op in
            let name = table.string(table.word(.headerOps, op, Field.HeaderOp.name)), value = table.string(table.word(.headerOps, op, Field.HeaderOp.value))
            switch HeaderOpKind(rawValue: table.word(.headerOps, op, Field.HeaderOp.op)) {
            case .set?: return "set \(name): \(value)"
            case .add?: return "add \(name): \(value)"
            default: return "remove \(name)"
            }
        }.joined(separator: ", ")
    }

    public static func describePolicy(_ table: RouteTable, _ policy: Int) -> String {
        func field(_ index: Int) -> UInt32 { table.word(.policies, policy, index) }
        func optional(_ value: UInt32) -> String? { value == TableFormat.none ? nil : String(value) }
        func list(_ first: Int, _ count: Int) -> [String] {
            let start = Int(field(first))
            return (start..<(start + Int(field(count)))).map { table.string(table.word(.stringLists, $0, 0)) }
        }
        let name = table.string(field(Field.Policy.name))
        switch PolicyKind(rawValue: field(Field.Policy.kind)) {
        case .localRateLimit?:
            let amount = optional(field(Field.Policy.RateLimit.requests)).map { "\($0) requests" } ?? optional(field(Field.Policy.RateLimit.tokens)).map { "\($0) tokens" } ?? "?"
            return "\(name): local rate limit \(amount) per \(field(Field.Policy.RateLimit.unitSeconds)) s" + (optional(field(Field.Policy.RateLimit.burst)).map { ", burst \($0)" } ?? "")
        case .apiKeyAuthentication?, .basicAuthentication?:
            let record = table.policy(policy)
            let secrets = record.secretRefs.map { describeSecretRef(table, $0) }
            let what = record.kind == .apiKeyAuthentication ? "API key authentication" : "basic authentication, realm \"\(record.realm)\""
            let users = record.kind == .basicAuthentication && !record.users.isEmpty ? ", \(record.users.count) inline user\(record.users.count == 1 ? "" : "s")" : ""
            return "\(name): \(what) (\(record.mode)), credential in \(CredentialReader(record).description)" + (secrets.isEmpty ? "" : ", from \(secrets.joined(separator: ", "))") + users
        case .jwtAuthentication?:
            let record = table.policy(policy)
            let audiences = record.audiences.isEmpty ? "any audience" : "audience \(record.audiences.joined(separator: ", "))"
            return "\(name): JWT authentication (\(record.mode)), issuer \(record.issuer ?? "any"), \(audiences), keys \(record.remoteJWKS.map { "from \($0), cached \(record.jwksCacheSeconds) s" } ?? (record.jwks.isEmpty ? "none (no token verifies)" : "inline")), token in \(CredentialReader(record).description)"
        case .budget?:
            let record = table.policy(policy)
            let amount = record.budgetCountsCost ? "cost \(Budget.amountText(micros: record.budgetLimit))" : "\(record.budgetLimit) tokens"
            return "\(name): budget \(amount) per \(record.budgetWindow.rawValue.lowercased()) (\(record.budgetTimeZone)) per identity" + (record.budgetPrices.isEmpty ? "" : ", \(record.budgetPrices.count) price\(record.budgetPrices.count == 1 ? "" : "s")")
        case .timeout?: return "\(name): request timeout \(field(Field.Policy.Timeout.milliseconds)) ms"
        case .retry?: return "\(name): retry \(field(Field.Policy.Retry.attempts)) attempts on \(list(Field.Policy.Retry.firstCode, Field.Policy.Retry.codeCount).joined(separator: ","))"
        case .cors?: return "\(name): CORS origins \(list(Field.Policy.CORS.firstOrigin, Field.Policy.CORS.originCount).joined(separator: ","))"
        case .promptGuard?:
            let direction = field(Field.Policy.PromptGuard.direction) == 0 ? "request" : "response"
            let patterns = list(Field.Policy.PromptGuard.firstPattern, Field.Policy.PromptGuard.patternCount) + list(Field.Policy.PromptGuard.firstBuiltin, Field.Policy.PromptGuard.builtinCount)
            return "\(name): prompt guard on \(direction), \(table.string(field(Field.Policy.PromptGuard.action))) \(patterns.joined(separator: ", "))"
        case .headerModifier?:
            let record = table.policy(policy)
            return "\(name): \(record.headerDirection == 0 ? "request" : "response") header modifier: \(describeOps(table, record.headerOps))"
        case .directResponse?:
            let record = table.policy(policy)
            return "\(name): direct response \(record.directStatus)" + (record.directBody.map { ", body of \($0.utf8.count) bytes" } ?? "") + (record.headerOps.isEmpty ? "" : ", headers \(describeOps(table, record.headerOps))")
        case .hostRewrite?: return "\(name): host rewrite \(table.policy(policy).rewritesHostAutomatically ? "Auto" : "None")"
        case .frontendTLS?:
            let record = table.policy(policy)
            let versions = "TLS \(record.tlsMinVersion.map { "1.\($0 - 10)" } ?? "1.2")–\(record.tlsMaxVersion.map { "1.\($0 - 10)" } ?? "1.3")"
            return "\(name): frontend TLS \(versions)" + (record.tlsCipherSuites.isEmpty ? "" : ", ciphers \(record.tlsCipherSuites.joined(separator: ","))")
                + (record.tlsHandshakeMilliseconds.map { ", handshake within \($0) ms" } ?? "")
        case .proxyProtocol?:
            let record = table.policy(policy)
            let versions = ["", "V1", "V2", "V1 and V2"][Int(record.word(Field.Policy.ProxyProtocol.versions) & 3)]
            return "\(name): PROXY protocol \(versions), \(record.word(Field.Policy.ProxyProtocol.mode) == 0 ? "required (Strict)" : "optional")"
        case .tracing?:
            let record = table.policy(policy)
            func ratio(_ index: Int) -> String { record.word(index) == TableFormat.none ? "default" : String(Double(record.word(index)) / 1e6) }
            return "\(name): tracing to \(table.string(record.word(Field.Policy.Tracing.endpoint))), random sampling \(ratio(Field.Policy.Tracing.randomSampling)), client sampling \(ratio(Field.Policy.Tracing.clientSampling))"
        case .networkRule?:
            let record = table.policy(policy)
            return "\(name): network \(["Allow", "Deny", "Require"][Int(record.networkAction.rawValue)]) \(record.sourceProgram.count) source ops"
        case nil: return "\(name): unknown policy"
        }
    }

    public static func text(_ table: RouteTable, path: String) -> String {
        var out = "\(path): gwc route table, write version \(table.writeVersion), read version \(table.readVersion), \(table.size) bytes, crc32c \(String(format: "%08x", table.checksum)) (verified)\n\nsections:\n"
        for section in TableSection.allCases {
            let info = table.sectionInfo(section)
            out += "  \(section.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%9d", info.length)) bytes  \(String(format: "%7d", table.count(section))) records  at \(info.offset)\n"
        }
        out += "\ngateways:\n"
        for index in 0..<table.count(.gateways) {
            let gateway = table.gateway(index)
            out += "  \(gateway.namespace)/\(gateway.name)\n"
            for listener in gateway.listeners.map(table.listener) {
                out += "    listener \(listener.name): \(listener.protocol) :\(listener.port) host \(listener.hostname ?? "*")\n"
            }
        }
        out += "\nroutes:\n"
        for index in 0..<table.count(.routes) {
            let route = table.route(index)
            out += "  \(route.namespace)/\(route.name)  (\(route.sourceFile):\(route.sourceLine))\n"
            for rule in route.rules.map(table.rule) {
                let backends = rule.backendRefs.map { ref -> String in
                    let backend = RouteExplanation.backend(table, ref: ref)
                    return "\(backend.namespace)/\(backend.name) w\(backend.weight)\(backend.valid ? "" : " (invalid)")"
                }
                out += "    rule \(rule.ruleIndex)\(rule.isInvalid ? " (dropped)" : ""): \(backends.isEmpty ? "no backends" : backends.joined(separator: ", "))\n"
            }
        }
        out += "\nbackends:\n"
        for backend in 0..<table.count(.backends) {
            if case .object(let members) = backendJSON(table, backend) {
                let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                var line = "  "
                if case .string(let kind)? = fields["kind"], case .string(let namespace)? = fields["namespace"], case .string(let name)? = fields["name"] { line += "\(kind) \(namespace)/\(name)" }
                if case .array(let providers)? = fields["providers"] {
                    for case .object(let provider) in providers {
                        let values = Dictionary(provider.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                        if case .string(let kind)? = values["provider"] { line += ", \(kind)" }
                        if case .string(let model)? = values["model"] { line += " \(model)" }
                        if case .string(let signing)? = values["signing"], case .string(let secret)? = values["secretRef"] {
                            line += ", SigV4 for \(signing) with AWS credentials from Secret \(secret)"
                        } else if case .string(let secret)? = values["secretRef"] { line += ", key from Secret \(secret)" }
                    }
                }
                out += line + "\n"
            }
        }
        if table.count(.policies) > 0 {
            out += "\npolicies:\n"
            for policy in 0..<table.count(.policies) { out += "  \(describePolicy(table, policy))\n" }
        }
        if table.count(.hermesClients) > 0 {
            out += "\nhermes clients:\n"
            for client in (0..<table.count(.hermesClients)).map(table.hermesClient) {
                out += "  \(client.configFile) \(client.role): POST :\(client.port)\(client.path) (\(client.mode))\n"
            }
        }
        return out
    }
}
