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
}
