import Foundation
import GatewayIR

/// AgentgatewayPolicy: its targets, traffic, backend and frontend sections (the backend
/// decoding it shares with AgentgatewayBackend is in ManifestDecoder+Agentgateway).
extension ManifestDecoder {
    /// A policy's `backend`: the settings of a backend's `policies`, of which gwrun acts on fewer.
    mutating func decodePolicyBackend(_ node: Node, reader: NodeReader, object: String) -> BackendPolicies {
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
