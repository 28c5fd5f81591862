import Foundation
import GatewayIR

/// Follows each Hermes endpoint as Hermes would (provider selection, `${VAR}`, api_mode and its
/// suffix) and checks that the gateway routes the resulting request to a backend that accepts it.
struct HermesChecker {
    let index: ResourceIndex
    let report: StatusReport
    let environment: [String: String]
    /// The route table's own lookup, on the manifests compiled in memory.
    let resolver: TableRouteResolver
    var diagnostics: [Diagnostic] = []
    /// Every endpoint followed to a request, for the route table and `gwc diff`.
    var endpoints: [HermesEndpointResolution] = []

    static let validModes: Set<String> = ["chat_completions", "codex_responses", "anthropic_messages", "bedrock_converse", "codex_app_server"]
    static let builtInProviders: Set<String> = [
        "openrouter", "anthropic", "openai", "openai-codex", "nous", "copilot", "azure-foundry", "bedrock", "lmstudio", "gemini",
        "xai", "deepseek", "groq", "mistral", "ollama", "together", "fireworks", "kimi", "zai", "minimax", "huggingface", "auto",
    ]
    static let publicAIHosts = ["api.anthropic.com", "api.openai.com", "openrouter.ai", "api.x.ai", "generativelanguage.googleapis.com", "api.groq.com", "api.mistral.ai", "api.deepseek.com"]

    mutating func run() {
        for config in index.resources.hermesConfigs { check(config) }
    }

    private static func normalizeName(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "-")
    }

    private mutating func check(_ config: HermesConfig) {
        let object = "Hermes config \(config.file)"
        checkListeners(config.listeners, object: object)
        let selected = config.model?.provider.map { provider -> String in
            provider.hasPrefix("custom:") ? String(provider.dropFirst(7)) : provider
        }
        let selectedEntry = selected.flatMap { name in config.providers.first { Self.normalizeName($0.name) == Self.normalizeName(name) } }
        if let model = config.model, let provider = model.provider, selectedEntry == nil {
            let isBuiltIn = !provider.hasPrefix("custom:") && Self.builtInProviders.contains(provider)
            if !isBuiltIn && provider != "custom" {
                diagnostics.append(Diagnostic(
                    .hermesUnknownProvider, "model.provider \"\(provider)\" names no entry of `providers:` and no built-in provider", at: model.providerLocation ?? model.location,
                    fix: NameSuggester.nearest(to: provider, in: config.providers.map(\.name)).map { "did you mean \"\($0)\"?" } ?? "add it under `providers:`", object: object))
            }
        }
        for provider in config.providers {
            let isSelected = selectedEntry?.name == provider.name
            if config.model == nil || config.model?.provider == nil {
                diagnostics.append(Diagnostic(
                    .hermesProviderNotSelected,
                    "`providers.\(provider.name)` is not selected: without a `model:` block naming it, Hermes stops with \"isn't configured yet\"",
                    at: provider.location,
                    fix: "add:\nmodel:\n  provider: \(provider.name)\n  default: \(provider.models.first ?? "<model id>")", object: object))
            } else if !isSelected {
                diagnostics.append(Diagnostic(
                    .hermesProviderUnused, "`providers.\(provider.name)` is selected by no model.provider; Hermes will not send it traffic", at: provider.location,
                    fix: "select it with `model.provider: \(provider.name)` or `hermes model`", object: object))
            }
            let modelName = isSelected ? config.model?.defaultModel : nil
            checkEndpoint(role: "providers.\(provider.name)", baseURL: provider.baseURL, apiMode: provider.apiMode, model: modelName, apiKey: provider.apiKey, location: provider.location, object: object)
            if let key = provider.apiKey, SecretHeuristics.looksLikeRealKey(key.value) {
                diagnostics.append(Diagnostic(
                    .inlineCredential, "`providers.\(provider.name).api_key` holds what looks like a real key", at: key.location,
                    fix: "move it to the environment or $HERMES_HOME/.env and use `key_env:` (or `api_key: ${VAR}`)", object: object))
            }
        }
        if let model = config.model, model.provider == "custom" || (model.provider == nil && model.baseURL != nil) {
            checkEndpoint(role: "model", baseURL: model.baseURL, apiMode: model.apiMode, model: model.defaultModel, apiKey: model.apiKey, location: model.location, object: object)
        }
        for endpoint in config.endpoints where endpoint.baseURL != nil {
            checkEndpoint(role: endpoint.role, baseURL: endpoint.baseURL, apiMode: endpoint.apiMode, model: endpoint.model, apiKey: endpoint.apiKey, location: endpoint.location, object: object)
        }
    }

    func expand(_ text: String) -> (String, [String]) {
        var result = ""
        var unresolved: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[start.upperBound..<end])
            if let value = environment[name] { result += value } else {
                result += "${\(name)}"
                unresolved.append(name)
            }
            rest = rest[rest.index(after: end)...]
        }
        return (result + rest, unresolved)
    }

    private mutating func checkEndpoint(role: String, baseURL: HermesString?, apiMode: HermesString?, model: String?, apiKey: HermesString?, location: SourceLocation, object: String) {
        guard let baseURL else { return }
        checkPlainHTTP(baseURL, what: "\(role) base_url", object: object)
        let (expanded, unresolved) = expand(baseURL.value)
        for name in unresolved {
            diagnostics.append(Diagnostic(
                .hermesUnresolvedVariable, "`${\(name)}` in \(role) base_url is not set in the environment; Hermes would keep it verbatim", at: baseURL.location,
                fix: "export \(name) (or put it in $HERMES_HOME/.env) before running gwc and Hermes", object: object))
        }
        guard let url = ParsedURL(expanded) else {
            diagnostics.append(Diagnostic(
                .hermesInvalidURL, "\(role) base_url \"\(expanded)\" has no scheme and host; Hermes drops it", at: baseURL.location,
                fix: "write a full URL such as http://gateway.example.com:8080/anthropic", object: object))
            return
        }
        var mode: String
        var autodetected = false
        if let explicit = apiMode?.value, Self.validModes.contains(explicit) {
            mode = explicit
        } else {
            if let apiMode {
                diagnostics.append(Diagnostic(
                    .hermesInvalidAPIMode, "api_mode \"\(apiMode.value)\" is not one Hermes knows; it is ignored and the mode is guessed from the URL", at: apiMode.location,
                    fix: NameSuggester.nearest(to: apiMode.value, in: Array(Self.validModes)).map { "did you mean \"\($0)\"?" } ?? "use chat_completions, codex_responses or anthropic_messages",
                    object: object))
            }
            mode = Self.detectMode(url)
            autodetected = true
        }
        let suffix: String
        let format: String
        switch mode {
        case "codex_responses": (suffix, format) = ("/responses", "Responses")
        case "anthropic_messages": (suffix, format) = ("/v1/messages", "Messages")
        case "chat_completions": (suffix, format) = ("/chat/completions", "Completions")
        default: return
        }
        let path = (url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path) + suffix
        let wire = "POST \(url.scheme)://\(url.host):\(url.port)\(path)"
        let matched = resolver.resolve(port: url.port, host: url.host, method: "POST", path: path, headers: [("content-type", "application/json")])
        endpoints.append(HermesEndpointResolution(
            configFile: object.replacingOccurrences(of: "Hermes config ", with: ""), role: role, url: expanded, mode: mode, model: model,
            gateway: matched?.gateway ?? resolver.gateways(onPort: url.port).first, port: url.port, host: url.host, path: path))
        if Self.publicAIHosts.contains(url.host) || index.resources.gateways.isEmpty {
            diagnostics.append(Diagnostic(
                .hermesExternalEndpoint, "\(role) sends \(mode) requests to \(wire), \(index.resources.gateways.isEmpty ? "not checked: no Gateway among the inputs" : "directly to the provider, bypassing the gateway")",
                at: baseURL.location, object: object))
            return
        }
        guard !resolver.gateways(onPort: url.port).isEmpty else {
            let ports = Set(index.resources.gateways.flatMap { $0.listeners.map(\.port) }).sorted().map(String.init).joined(separator: ", ")
            diagnostics.append(Diagnostic(
                .hermesNoListener, "\(role) calls port \(url.port), and no Gateway listens there (listener ports: \(ports))", at: baseURL.location,
                fix: "use one of the listener ports in base_url", object: object))
            return
        }
        guard let match = matched else {
            diagnostics.append(Diagnostic(
                .hermesNoRoute, "\(role) sends \(wire) (\(mode)), and no attached HTTPRoute matches it: the gateway answers 404", at: baseURL.location,
                fix: autodetected && mode == "anthropic_messages" ? "set `api_mode: chat_completions` or route \(path)" : "add a route match for \(path), or change base_url",
                object: object))
            return
        }
        let routeName = "\(match.route.meta.namespace)/\(match.route.meta.name)"
        var reached: [String] = []
        for ref in match.rule.backendRefs where ref.weight > 0 {
            let target = ref.target(defaultNamespace: match.route.meta.namespace)
            guard ref.group == APIGroup.agentgateway, let backend = index.backends[target], case .ai(let ai) = backend.kind, let provider = ai.allProviders.first else {
                reached.append("\(ref.kind) \(target.namespacedName)")
                continue
            }
            reached.append("\(target.namespacedName) (\(provider.kind.rawValue)\(provider.model.map { ", \($0)" } ?? ""))")
            let routeType = Self.routeType(for: path, routes: backend.policies.aiRoutes)
            if let problem = Self.formatProblem(requestFormat: format, routeType: routeType, provider: provider) {
                diagnostics.append(Diagnostic(
                    autodetected ? .hermesModeDiffers : .hermesFormatMismatch,
                    "\(role) sends \(format) requests (\(mode)\(autodetected ? ", guessed from the URL" : "")) to \(path), but backend \(target.namespacedName) treats that path as \(routeType): \(problem)",
                    at: apiMode?.location ?? baseURL.location,
                    notes: [DiagnosticNote("matched by HTTPRoute \(routeName) rule \(match.ruleIndex)", at: match.rule.location)],
                    fix: autodetected ? "set `api_mode: chat_completions` in the provider entry" : "add `\(suffix)` with type \(format) to the backend's policies.ai.routes, or change api_mode",
                    object: object))
            }
            if let pinned = provider.model, let model, !model.isEmpty, pinned != model {
                diagnostics.append(Diagnostic(
                    .hermesModelOverridden, "\(role) asks for model \"\(model)\", but backend \(target.namespacedName) always uses \"\(pinned)\"", at: location,
                    fix: "set model.default: \(pinned), or remove the backend's model override", object: object))
            }
        }
        let client = checkClientKey(role: role, mode: mode, apiKey: apiKey, match: match, object: object)
        diagnostics.append(Diagnostic(
            .hermesReaches, "\(role): \(wire) (\(mode)) → HTTPRoute \(routeName) rule \(match.ruleIndex) → \(reached.joined(separator: ", "))" + (client.map { "; \($0)" } ?? ""),
            at: baseURL.location, object: object))
    }

    static func detectMode(_ url: ParsedURL) -> String {
        if url.host == "api.openai.com" || url.host == "api.x.ai" { return "codex_responses" }
        let path = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        if url.host == "api.anthropic.com" || path.hasSuffix("/anthropic") || path.hasSuffix("/anthropic/v1") { return "anthropic_messages" }
        return "chat_completions"
    }

    /// agentgateway's route type for a path: longest matching suffix, `*` last, Completions by default.
    static func routeType(for path: String, routes: [AIRoute]) -> String {
        let candidates = routes.filter { $0.pathSuffix != "*" && path.hasSuffix($0.pathSuffix) }.sorted { $0.pathSuffix.count > $1.pathSuffix.count }
        if let best = candidates.first { return best.routeType }
        return routes.first { $0.pathSuffix == "*" }?.routeType ?? "Completions"
    }

    static func formatProblem(requestFormat: String, routeType: String, provider: LLMProvider) -> String? {
        switch routeType {
        case "Passthrough", "Detect":
            return provider.nativeFormats.contains(requestFormat) ? nil : "the body is passed through untranslated, and \(provider.kind.rawValue) does not speak \(requestFormat)"
        case "Completions", "Messages", "Responses":
            // gwrun translates Completions and Responses to Anthropic and Messages to OpenAI.
            if routeType != requestFormat { return "the gateway parses the body as \(routeType) and rejects a \(requestFormat) body with 400" }
            return nil
        default:
            return routeType == requestFormat ? nil : "route type \(routeType) does not accept \(requestFormat) bodies"
        }
    }
}

/// A URL as Hermes would use it: scheme, host, port (defaulted by scheme) and path.
struct ParsedURL {
    var scheme: String
    var host: String
    var port: Int
    var path: String

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var pathPart = String(rest.dropFirst(authority.count))
        if let query = pathPart.firstIndex(of: "?") { pathPart = String(pathPart[..<query]) }
        path = pathPart
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            host = hostPort[..<colon].lowercased()
            guard let parsed = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            port = parsed
        } else {
            host = hostPort.lowercased()
            port = scheme == "https" ? 443 : 80
        }
        guard !host.isEmpty else { return nil }
    }
}

/// A Hermes endpoint followed to the request it sends.
public struct HermesEndpointResolution: Sendable, Hashable {
    public var configFile: String
    public var role: String
    public var url: String
    public var mode: String
    public var model: String?
    public var gateway: ObjectKey?
    public var port: Int
    public var host: String
    public var path: String
}
