import Foundation
import GatewayIR

extension ManifestDecoder {
    static let backendKinds = ["ai", "static", "dynamicForwardProxy", "mcp", "aws", "a2a"]
    static let providerKeys = LLMProvider.Kind.allCases.map(\.rawValue)

    mutating func decodeBackend(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> AgentgatewayBackend {
        let spec = root["spec"]
        let object = "AgentgatewayBackend \(meta.namespace)/\(meta.name)"
        let setKinds = Self.backendKinds.filter { reader.has(spec, $0) }
        var kind = AgentgatewayBackend.Kind.invalid
        if setKinds.count != 1 {
            report(exclusive("spec", options: Self.backendKinds, set: setKinds, at: reader.location(spec ?? root), object: object))
        } else if setKinds[0] == "ai", let ai = spec?["ai"] {
            kind = decodeAI(ai, reader: reader, object: object)
        } else if setKinds[0] == "static", let node = spec?["static"] {
            kind = .static(host: reader.string(node, "host"), port: reader.int(node, "port"), unixPath: reader.string(node, "unixPath"))
        } else {
            kind = .other(setKinds[0])
        }
        return AgentgatewayBackend(meta: meta, kind: kind, policies: decodeBackendPolicies(spec?["policies"], reader: reader, object: object))
    }

    private mutating func decodeAI(_ ai: Node, reader: NodeReader, object: String) -> AgentgatewayBackend.Kind {
        let set = ["provider", "groups"].filter { reader.has(ai, $0) }
        guard set.count == 1 else {
            report(exclusive("spec.ai", options: ["provider", "groups"], set: set, at: reader.location(ai), object: object))
            return .invalid
        }
        if let provider = ai["provider"] {
            guard let decoded = decodeProvider(provider, path: "spec.ai.provider", reader: reader, object: object) else { return .invalid }
            return .ai(AIBackend(provider: decoded, groups: []))
        }
        var groups: [[LLMProvider]] = []
        for (groupIndex, group) in reader.items(ai, "groups").enumerated() {
            var providers: [LLMProvider] = []
            for (index, node) in reader.items(group, "providers").enumerated() {
                let path = "spec.ai.groups[\(groupIndex)].providers[\(index)]"
                guard var provider = decodeProvider(node, path: path, reader: reader, object: object) else { return .invalid }
                provider.name = reader.string(node, "name")
                provider.policies = node["policies"].map { decodeProviderPolicies($0, path: path, reader: reader, object: object) }
                providers.append(provider)
            }
            groups.append(providers)
        }
        return .ai(AIBackend(provider: nil, groups: groups))
    }

    private mutating func decodeProvider(_ node: Node, path: String, reader: NodeReader, object: String) -> LLMProvider? {
        let set = Self.providerKeys.filter { reader.has(node, $0) }
        guard set.count == 1, let kind = LLMProvider.Kind(rawValue: set[0]) else {
            report(exclusive(path, options: Self.providerKeys, set: set, at: reader.location(node), object: object))
            return nil
        }
        let body = node[set[0]]
        reportUnenforced(body, prefix: "\(path).\(kind.rawValue)", enforced: Self.enforcedProviderFields[kind] ?? ["model"], reader: reader, object: object)
        for format in reader.items(body, "formats") where reader.has(format, "path") {
            report(Diagnostic(
                .notEnforced, "`\(path).custom.formats[].path` is read, but gwrun sends every format to its default operation path under `/v1`",
                at: reader.location(format["path"]), fix: "remove `path`, or set the provider's `pathPrefix`", object: object))
        }
        return LLMProvider(
            kind: kind, model: reader.string(body, "model"), host: reader.string(node, "host"), port: reader.int(node, "port"),
            path: reader.string(node, "path"), pathPrefix: reader.string(node, "pathPrefix"),
            formats: reader.items(body, "formats").compactMap { reader.string($0, "type") },
            settings: LLMProvider.Settings(
                endpoint: reader.string(body, "endpoint"), deploymentName: reader.string(body, "deploymentName"), apiVersion: reader.string(body, "apiVersion"),
                resourceName: reader.string(body, "resourceName"), resourceType: reader.string(body, "resourceType"), projectName: reader.string(body, "projectName"),
                projectId: reader.string(body, "projectId"), region: reader.string(body, "region")),
            location: reader.location(node))
    }

    mutating func decodeBackendPolicies(_ node: Node?, reader: NodeReader, object: String) -> BackendPolicies {
        guard let node, !node.isNull else { return BackendPolicies() }
        var policies = BackendPolicies()
        if let auth = node["auth"], !auth.isNull {
            let forms = ["key", "secretRef", "passthrough", "aws", "azure", "gcp", "oauthTokenExchange", "crossAppAccess", "jwtSign"]
            let set = forms.filter { reader.has(auth, $0) }
            if set.count > 1 {
                report(exclusive("policies.auth", options: forms, set: set, at: reader.location(auth), object: object, atMostOne: true))
            }
            switch set.first {
            case "secretRef":
                let ref = auth["secretRef"]
                policies.auth = BackendAuth(source: .secretRef(name: reader.string(ref, "name") ?? "", key: reader.string(ref, "key")), location: reader.location(ref))
            case "key":
                policies.auth = BackendAuth(source: .inline(SecretValue(reader.string(auth, "key") ?? "")), location: reader.location(auth["key"]))
            case "passthrough":
                policies.auth = BackendAuth(source: .passthrough, location: reader.location(auth))
            case "aws" where reader.has(auth["aws"], "secretRef"):
                // `assumeRole` (reported, GW420) and the SDK's default chain are not built: no Secret, no credential.
                let aws = auth["aws"]
                policies.auth = BackendAuth(
                    source: .aws(secretName: reader.string(aws?["secretRef"], "name") ?? "", region: reader.string(aws, "region"), service: reader.string(aws, "serviceName")),
                    location: reader.location(aws?["secretRef"]))
            case let other?:
                policies.auth = BackendAuth(source: .other(other), location: reader.location(auth))
            case nil:
                break
            }
        }
        let ai = node["ai"]
        policies.modelAliases = reader.stringMap(ai?["modelAliases"])
        policies.requestEdits = decodeRequestEdits(ai, reader: reader)
        if let caching = ai?["promptCaching"], !caching.isNull {
            var settings = PromptCaching()
            settings.cacheSystem = reader.bool(caching, "cacheSystem") ?? settings.cacheSystem
            settings.cacheMessages = reader.bool(caching, "cacheMessages") ?? settings.cacheMessages
            settings.cacheTools = reader.bool(caching, "cacheTools") ?? settings.cacheTools
            settings.minTokens = reader.int(caching, "minTokens") ?? settings.minTokens
            settings.messageOffset = reader.int(caching, "cacheMessageOffset") ?? settings.messageOffset
            policies.promptCaching = settings
        }
        policies.aiRoutes = reader.entries(ai?["routes"]).map { AIRoute(pathSuffix: $0.key.text, routeType: $0.value.scalarText ?? "") }
        if let guardNode = ai?["promptGuard"], !guardNode.isNull {
            func rules(_ key: String) -> [PromptGuard.RegexRule] {
                reader.items(guardNode, key).compactMap { item in
                    guard let regex = item["regex"] else { return nil }
                    return PromptGuard.RegexRule(
                        matches: reader.strings(regex, "matches"), builtins: reader.strings(regex, "builtins"),
                        action: reader.string(regex, "action") ?? "Mask", rejectStatus: reader.int(item["response"], "statusCode"),
                        rejectMessage: reader.string(item["response"], "message"), location: reader.location(regex))
                }
            }
            policies.promptGuard = PromptGuard(request: rules("request"), response: rules("response"))
            reportUnenforcedGuards(guardNode, prefix: "policies", reader: reader, object: object)
        }
        policies.requestTimeout = reader.string(node["http"], "requestTimeout")
        if let tls = node["tls"], !tls.isNull { policies.tls = decodeBackendTLS(tls, reader: reader, object: object) }
        reportUnenforced(node, prefix: "policies", enforced: Self.enforcedBackendPolicies, reader: reader, object: object)
        return policies
    }

    /// `ai.defaults`, `ai.overrides`, then `ai.prompt.prepend` and `append`, in the order written.
    private func decodeRequestEdits(_ ai: Node?, reader: NodeReader) -> [RequestEdit] {
        var edits: [RequestEdit] = []
        for (key, kind) in [("defaults", RequestEdit.Kind.default), ("overrides", .override)] {
            for item in reader.items(ai, key) {
                guard let field = reader.string(item, "field"), let value = item["value"] else { continue }
                edits.append(RequestEdit(kind: kind, key: field, value: NodeJSON.text(value)))
            }
        }
        for (key, kind) in [("prepend", RequestEdit.Kind.prepend), ("append", .append)] {
            for item in reader.items(ai?["prompt"], key) {
                guard let role = reader.string(item, "role"), let content = reader.string(item, "content") else { continue }
                edits.append(RequestEdit(kind: kind, key: role.lowercased(), value: content))
            }
        }
        return edits
    }

    /// A group provider's own `policies`: gwrun sends its credential (`auth`); routes, guards and
    /// timeouts are the backend's, so a provider's own are reported (GW420), never silently dropped.
    private mutating func decodeProviderPolicies(_ node: Node, path: String, reader: NodeReader, object: String) -> BackendPolicies {
        var ignored = ManifestDecoder(defaultNamespace: defaultNamespace)
        let policies = ignored.decodeBackendPolicies(node, reader: reader, object: object)
        report(ignored.result.diagnostics.filter { $0.code != .notEnforced })
        reportUnenforced(node, prefix: "\(path).policies", enforced: Self.enforcedProviderPolicies, reader: reader, object: object)
        return BackendPolicies(auth: policies.auth)
    }

    /// A policy's `backend`: the settings of a backend's `policies`, of which gwrun acts on fewer.
    private mutating func decodePolicyBackend(_ node: Node, reader: NodeReader, object: String) -> BackendPolicies {
        var ignored = ManifestDecoder(defaultNamespace: defaultNamespace)
        let policies = ignored.decodeBackendPolicies(node, reader: reader, object: object)
        report(ignored.result.diagnostics.filter { $0.code != .notEnforced })
        reportUnenforced(node, prefix: "spec.backend", enforced: Self.enforcedPolicyBackend, reader: reader, object: object)
        reportUnenforcedGuards(node["ai"]?["promptGuard"], prefix: "spec.backend", reader: reader, object: object)
        return policies
    }

    /// `spec.targetRefs` of a policy-like kind (AgentgatewayPolicy, Budget, BackendTLSPolicy).
    func decodeTargetRefs(_ spec: Node?, reader: NodeReader) -> [AgentgatewayPolicy.TargetRef] {
        reader.items(spec, "targetRefs").map { node in
            AgentgatewayPolicy.TargetRef(
                group: reader.string(node, "group") ?? "", kind: reader.string(node, "kind") ?? "", name: reader.string(node, "name") ?? "",
                sectionName: reader.string(node, "sectionName"), port: reader.int(node, "port"), location: reader.location(node))
        }
    }

    mutating func decodePolicy(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> AgentgatewayPolicy {
        let spec = root["spec"]
        let object = "AgentgatewayPolicy \(meta.namespace)/\(meta.name)"
        let targets = decodeTargetRefs(spec, reader: reader)
        var traffic: AgentgatewayPolicy.Traffic?
        if let node = spec?["traffic"], !node.isNull {
            var decoded = AgentgatewayPolicy.Traffic()
            for limit in reader.items(node["rateLimit"], "local") {
                let requests = reader.int(limit, "requests"), tokens = reader.int(limit, "tokens")
                if (requests == nil) == (tokens == nil) {
                    report(exclusive(
                        "traffic.rateLimit.local[]", options: ["requests", "tokens"], set: [requests.map { _ in "requests" }, tokens.map { _ in "tokens" }].compactMap { $0 },
                        at: reader.location(limit), object: object))
                }
                decoded.localRateLimits.append(.init(requests: requests, tokens: tokens, unit: reader.string(limit, "unit") ?? "", burst: reader.int(limit, "burst")))
            }
            if let apiKey = node["apiKeyAuthentication"], !apiKey.isNull {
                decoded.apiKeyAuthentication = .init(
                    mode: reader.string(apiKey, "mode") ?? "Strict", secretName: reader.string(apiKey["secretRef"], "name"),
                    secretSelector: apiKey["secretSelector"].map { reader.stringMap($0["matchLabels"]) },
                    location: credentialLocation(apiKey["location"], default: .bearer, reader: reader))
            }
            if let jwt = node["jwtAuthentication"], !jwt.isNull {
                decoded.jwtAuthentication = .init(
                    mode: reader.string(jwt, "mode") ?? "Strict",
                    providers: reader.items(jwt, "providers").map { provider in
                        let remote = provider["jwks"]?["remote"]
                        return .init(
                            issuer: reader.string(provider, "issuer"), audiences: reader.strings(provider, "audiences"), inlineJWKS: reader.string(provider["jwks"], "inline"),
                            remoteURL: remoteJWKSURL(remote, reader: reader),
                            cacheSeconds: reader.string(remote, "cacheDuration").flatMap { GatewayAPIAnalyzer.durationMilliseconds($0) }.map { $0 / 1000 })
                    },
                    location: credentialLocation(jwt["location"], default: .bearer, reader: reader))
                for provider in reader.items(jwt, "providers") where reader.has(provider["jwks"], "remote") && remoteJWKSURL(provider["jwks"]?["remote"], reader: reader) == nil {
                    report(Diagnostic(
                        .notEnforced, "`spec.traffic.jwtAuthentication.providers[].jwks.remote` names neither a `url` nor a Service `backendRef` gwrun can fetch from: no token of this provider verifies, so in Strict mode its clients are refused (401)",
                        at: reader.location(provider["jwks"]?["remote"]), fix: "give `url: https://idp.example/.well-known/jwks.json`, or a Service backendRef with its port and `jwksPath`", object: object))
                }
            }
            if let basic = node["basicAuthentication"], !basic.isNull {
                decoded.basicAuthentication = .init(
                    mode: reader.string(basic, "mode") ?? "Strict", realm: reader.string(basic, "realm") ?? "Restricted",
                    users: reader.strings(basic, "users"), secretName: reader.string(basic["secretRef"], "name"),
                    secretKey: reader.string(basic["secretRef"], "key") ?? AgentgatewayPolicy.BasicAuthentication.defaultSecretKey,
                    location: credentialLocation(basic["location"], default: .basic, reader: reader))
            }
            decoded.requestTimeout = reader.string(node["timeouts"], "request")
            if let retry = node["retry"], !retry.isNull {
                decoded.retry = .init(attempts: reader.int(retry, "attempts"), codes: reader.strings(retry, "codes").compactMap { Int($0) }, backoff: reader.string(retry, "backoff"))
            }
            if let cors = node["cors"], !cors.isNull { decoded.cors = decodeCORS(cors, reader: reader) }
            decoded.requestHeaders = decodeHeaderModifier(node["headerModifiers"]?["request"], reader: reader)
            decoded.responseHeaders = decodeHeaderModifier(node["headerModifiers"]?["response"], reader: reader)
            if let direct = node["directResponse"], !direct.isNull, reader.has(direct, "status") {
                // Header values are CEL: a string literal is what gwrun can evaluate.
                var headers: [HeaderValue] = []
                for header in reader.items(direct, "headers") {
                    let expression = reader.string(header, "value") ?? ""
                    if let literal = Self.celStringLiteral(expression) {
                        headers.append(HeaderValue(name: reader.string(header, "name") ?? "", value: literal))
                    } else {
                        report(Diagnostic(
                            .notEnforced, "`spec.traffic.directResponse.headers[].value` is a CEL expression gwrun cannot evaluate (only a string literal such as '\"text/plain\"'): the header is left out of the answer",
                            at: reader.location(header["value"]), fix: "write the value as a quoted CEL string literal", object: object))
                    }
                }
                decoded.directResponse = .init(status: reader.int(direct, "status") ?? 200, body: reader.string(direct, "body"), headers: headers)
            }
            decoded.hostRewrite = reader.string(node["hostRewrite"], "mode")
            traffic = decoded
        }
        let backend = spec?["backend"].flatMap { $0.isNull ? nil : decodePolicyBackend($0, reader: reader, object: object) }
        reportUnenforced(spec?["traffic"], prefix: "spec.traffic", enforced: Self.enforcedTraffic, reader: reader, object: object)
        let frontend = spec?["frontend"].flatMap { $0.isNull ? nil : decodeFrontend($0, reader: reader, object: object, namespace: meta.namespace, portLimited: targets.contains { $0.port != nil }) }
        if traffic == nil, backend == nil, !reader.has(spec, "frontend") {
            report(Diagnostic(
                .invalidPolicy, "AgentgatewayPolicy sets none of `frontend`, `traffic` and `backend`", at: reader.location(spec ?? root),
                fix: "add the policy settings under `traffic:` or `backend:`", object: object))
        }
        return AgentgatewayPolicy(meta: meta, targetRefs: targets, hasTargetSelectors: reader.has(spec, "targetSelectors"), traffic: traffic, backend: backend, frontend: frontend)
    }

    /// The text of a CEL string literal (`"..."` or `'...'`, simple escapes); nil for any other expression.
    static func celStringLiteral(_ expression: String) -> String? {
        let text = expression.trimmingCharacters(in: .whitespaces)
        guard text.count >= 2, let quote = text.first, quote == "\"" || quote == "'", text.last == quote else { return nil }
        var result = "", escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped { result.append(character == "n" ? "\n" : character == "t" ? "\t" : character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == quote { return nil }  // the literal ended early: an expression follows
            result.append(character)
        }
        return escaped ? nil : result
    }

    /// Where a remote JWKS is fetched: its `url`, or a Service `backendRef` with `jwksPath`; nil
    /// for anything else (an AgentgatewayBackend reference, say).
    func remoteJWKSURL(_ remote: Node?, reader: NodeReader) -> String? {
        guard let remote, !remote.isNull else { return nil }
        if let url = reader.string(remote, "url") { return url }
        guard let ref = remote["backendRef"], (reader.string(ref, "kind") ?? "Service") == "Service", (reader.string(ref, "group") ?? "").isEmpty,
              let name = reader.string(ref, "name"), let port = reader.int(ref, "port") else { return nil }
        let namespace = reader.string(ref, "namespace") ?? defaultNamespace
        let path = reader.string(remote, "jwksPath") ?? ".well-known/jwks.json"
        return "http://\(name).\(namespace).svc.cluster.local:\(port)" + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Gateway API's HTTPCORSFilter, as the `CORS` route filter and `traffic.cors` both write it.
    func decodeCORS(_ cors: Node, reader: NodeReader) -> AgentgatewayPolicy.CORS {
        .init(
            allowOrigins: reader.strings(cors, "allowOrigins"), allowMethods: reader.strings(cors, "allowMethods"),
            allowHeaders: reader.strings(cors, "allowHeaders"), exposeHeaders: reader.strings(cors, "exposeHeaders"),
            maxAge: reader.int(cors, "maxAge"), allowCredentials: reader.bool(cors, "allowCredentials"))
    }

    /// A credential `location`; header names are kept lower-cased (they are looked up so).
    func credentialLocation(_ node: Node?, default fallback: AgentgatewayPolicy.CredentialLocation, reader: NodeReader) -> AgentgatewayPolicy.CredentialLocation {
        guard let node, !node.isNull else { return fallback }
        if let header = node["header"] {
            return .init(kind: .header, name: (reader.string(header, "name") ?? "").lowercased(), prefix: reader.string(header, "prefix") ?? "")
        }
        if let query = node["queryParameter"] { return .init(kind: .queryParameter, name: reader.string(query, "name") ?? "", prefix: "") }
        if let cookie = node["cookie"] { return .init(kind: .cookie, name: reader.string(cookie, "name") ?? "", prefix: "") }
        return .init(kind: .expression, name: reader.string(node, "expression") ?? "", prefix: "")
    }

    func exclusive(_ path: String, options: [String], set: [String], at location: SourceLocation, object: String, atMostOne: Bool = false) -> Diagnostic {
        let message = set.isEmpty
            ? "`\(path)` sets none of \(options.joined(separator: ", ")); exactly one is required"
            : "`\(path)` sets \(set.joined(separator: " and ")); \(atMostOne ? "at most" : "exactly") one of \(options.joined(separator: ", ")) is allowed"
        return Diagnostic(
            .exclusiveFields, message, at: location,
            fix: set.isEmpty ? "add one of: \(options.joined(separator: ", "))" : "keep one of \(set.joined(separator: ", ")) and remove the others",
            condition: "Accepted=False/TranslationError", object: object)
    }
}
