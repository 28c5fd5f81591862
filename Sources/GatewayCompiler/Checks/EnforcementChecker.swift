import GatewayIR

/// What the manifests ask for and gwrun does not do yet, beyond the policy fields the decoder
/// reports: listeners it does not serve (TLS, TCP, Passthrough), extra certificateRefs, exposure values it does not act on, route filters gwrun
/// ignores (and every backendRef-level filter), provider kinds and backend kinds it does not
/// serve. Each is a GW420 warning at the place that asks for it. Also failover groups whose
/// providers cannot all serve the backend's route types (GW410).
struct EnforcementChecker {
    let index: ResourceIndex
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        for gateway in index.resources.gateways {
            let object = "Gateway \(gateway.meta.namespace)/\(gateway.meta.name)"
            for listener in gateway.listeners {
                let passthrough = listener.protocol == "HTTPS" && listener.tls?.mode == "Passthrough"
                if ["TLS", "TCP", "UDP"].contains(listener.protocol) || passthrough {
                    warn("listener \"\(listener.name)\" (\(listener.protocol)\(passthrough ? ", tls.mode Passthrough" : "")) is not served by gwrun: it binds no socket for it, and its routes (TLSRoute, TCPRoute) get no traffic",
                         at: listener.location, object: object, fix: "use an HTTP or HTTPS listener with tls.mode Terminate, or serve this one with another gateway")
                }
                if listener.protocol == "HTTPS", let refs = listener.tls?.certificateRefs, refs.count > 1 {
                    warn("listener \"\(listener.name)\" has \(refs.count) certificateRefs; gwrun serves the first (\(refs[0].name)) to every client", at: refs[1].location, object: object,
                         fix: "keep one certificateRef per listener, or do not rely on the others")
                }
            }
            if let exposure = gateway.meta.annotations[ClientAuthChecker.exposureAnnotation], exposure != "lan" {
                warn("annotation \(ClientAuthChecker.exposureAnnotation): \(exposure) is not a value gwrun acts on (only `lan`): it accepts connections from any address", at: gateway.meta.location, object: object,
                     fix: "use `lan`, or restrict who reaches the port with a NetworkPolicy or firewall")
            }
        }
        for route in index.resources.httpRoutes {
            let object = "HTTPRoute \(route.meta.namespace)/\(route.meta.name)"
            if let content = route.meta.annotations[RuleFlags.auditContentAnnotation], content != "true" {
                warn("annotation \(RuleFlags.auditContentAnnotation): \(content) is not a value gwrun acts on (only `true`): the audit log keeps no prompt or answer text for this route",
                     at: route.meta.location, object: object, fix: "write \"true\" to record prompts and answers in the audit log, or remove the annotation")
            }
            for (number, rule) in route.rules.enumerated() {
                for filter in rule.filters where ["ExtensionRef"].contains(filter.type) {
                    warn("rule \(number): filter \(filter.type) is not applied by gwrun yet", at: filter.location, object: object, fix: "remove it, or do not rely on it yet")
                }
                // An AI backend's request goes to the provider's operation for its route type.
                let toAI = rule.backendRefs.contains { ref in
                    guard ref.group == APIGroup.agentgateway, let backend = index.backends[ref.target(defaultNamespace: route.meta.namespace)], case .ai = backend.kind else { return false }
                    return true
                }
                for filter in rule.filters where filter.type == "URLRewrite" && toAI {
                    warn("rule \(number): URLRewrite on a rule to an AI backend is not applied by gwrun: the request goes to the provider's operation path for its route type", at: filter.location, object: object,
                         fix: "match the path the client sends, or remove the filter")
                }
                // On a backendRef, gwrun applies header modifiers, URLRewrite and RequestMirror.
                for ref in rule.backendRefs {
                    for filter in ref.filters where !["RequestHeaderModifier", "ResponseHeaderModifier", "URLRewrite", "RequestMirror"].contains(filter.type) {
                        warn("rule \(number): filter \(filter.type) on backendRef \(ref.name) is not applied by gwrun (on a backendRef it applies header modifiers, URLRewrite and RequestMirror)", at: filter.location, object: object,
                             fix: "move the filter to the rule's `filters`, or do not rely on it")
                    }
                }
            }
        }
        for backend in index.resources.backends { check(backend) }
    }

    private mutating func check(_ backend: AgentgatewayBackend) {
        let object = "AgentgatewayBackend \(backend.meta.namespace)/\(backend.meta.name)"
        switch backend.kind {
        case .other(let kind):
            warn("backend kind `\(kind)` is not served by gwrun yet: its requests get 501", at: backend.meta.location, object: object, fix: "route to an `ai` or `static` backend")
        case .ai(let ai):
            let providers = ai.allProviders
            if providers.count > 1 {
                checkFailover(providers, backend: backend, object: object)
                checkContextWindows((ai.provider.map { [[$0]] } ?? []) + ai.groups, object: object)
            }
            if backend.policies.promptCaching != nil, !providers.contains(where: { $0.kind == .bedrock }) {
                warn("`policies.ai.promptCaching` sets Bedrock's cache points, and this backend has no Bedrock provider: gwrun adds none", at: backend.meta.location, object: object,
                     fix: "remove `promptCaching`, or mark the cached blocks with `cache_control` in the request (Anthropic)")
            }
            for provider in providers {
                switch ProviderAPI.resolve(provider) {
                case .success(let api): checkSigning(provider, api: api, auth: provider.policies?.auth ?? backend.policies.auth, object: object)
                case .failure(.missing(let field, let what)):
                    diagnostics.append(Diagnostic(
                        .providerSettingMissing, "provider `\(provider.kind.rawValue)` has no `\(field)`: \(what); gwrun would have nowhere to send its requests (500)",
                        at: provider.location, fix: "set `\(field)`", object: object))
                case .failure(.invalid(let field, let value)):
                    diagnostics.append(Diagnostic(
                        .providerSettingMissing, "provider `\(provider.kind.rawValue)` has `\(field)` \(value), which gwrun cannot make an endpoint of (500)",
                        at: provider.location, fix: "correct `\(field)`", object: object))
                }
            }
            // Credentials gwrun cannot send (`policies.auth.key`, cloud identities) are reported
            // with the other unenforced policy fields, by the decoder.
        case .static, .invalid:
            break
        }
    }

    /// A Bedrock provider needs AWS credentials in a Secret (gwrun reads no default credential
    /// chain); another kind signed with them needs the region and service to sign for.
    private mutating func checkSigning(_ provider: LLMProvider, api: ProviderAPI, auth: BackendAuth?, object: String) {
        let signed = SigningScope.resolve(provider: provider, auth: auth, api: api) != nil
        if provider.kind == .bedrock, !signed {
            diagnostics.append(Diagnostic(
                .providerSettingMissing, "provider `bedrock` has no `policies.auth.aws.secretRef`: gwrun signs Bedrock requests with AWS credentials from a Secret and reads no default credential chain, so Bedrock would refuse every request (403)",
                at: auth?.location ?? provider.location, fix: "add `policies.auth.aws.secretRef` naming a Secret with `accessKey`, `secretKey` and optionally `sessionToken`", object: object))
        } else if case .aws(_, let region, let service)? = auth?.source, !signed {
            let missing = [region == nil ? "region" : nil, service == nil ? "serviceName" : nil].compactMap { $0 }.map { "`policies.auth.aws.\($0)`" }
            diagnostics.append(Diagnostic(
                .providerSettingMissing, "provider `\(provider.kind.rawValue)` is signed with AWS credentials but has no \(missing.joined(separator: " or ")): only Bedrock has its own; gwrun would send its requests unsigned",
                at: auth?.location ?? provider.location, fix: "set \(missing.joined(separator: " and "))", object: object))
        } else if case .other("aws")? = auth?.source {
            // `aws` without a Secret (an empty object, a region alone, `assumeRole`): no credential
            // to sign with, so the requests would leave unsigned while the manifest says signed.
            diagnostics.append(Diagnostic(
                .providerSettingMissing, "provider `\(provider.kind.rawValue)` is signed with AWS credentials but `policies.auth.aws` has no `secretRef`: gwrun reads no default credential chain, so it would send its requests unsigned",
                at: auth?.location ?? provider.location, fix: "add `policies.auth.aws.secretRef` naming a Secret with `accessKey`, `secretKey` and optionally `sessionToken`", object: object))
        }
    }

    /// The route types gwrun serves for a provider: its own operations (`nativeFormats`), what
    /// the runtime translates to them (`AIExchange.call`), and Models, which gwrun answers itself.
    static func servedRouteTypes(_ provider: LLMProvider) -> Set<String> {
        var served = provider.nativeFormats.union(["Models"])
        if served.contains("Messages") { served.formUnion(["Completions", "Responses", "Passthrough"]) }
        if served.contains("Completions") || served.contains("Converse") { served.formUnion(["Completions", "Messages", "Responses"]) }
        served.remove("Converse")
        return served
    }

    /// Failover moves a request to a provider that must serve its route type too: a provider that
    /// cannot, where another one of the backend can, answers the failed-over request with 400.
    private mutating func checkFailover(_ providers: [LLMProvider], backend: AgentgatewayBackend, object: String) {
        var used = backend.policies.aiRoutes.map { (suffix: $0.pathSuffix, type: $0.routeType) }
        if !used.contains(where: { $0.suffix == "*" }) { used.append(("*", "Completions")) }
        for route in used {
            let serving = providers.filter { Self.servedRouteTypes($0).contains(route.type) }
            guard !serving.isEmpty, let unable = providers.first(where: { !Self.servedRouteTypes($0).contains(route.type) }) else { continue }
            let path = route.suffix == "*" ? "every other path" : "paths ending \(route.suffix)"
            diagnostics.append(Diagnostic(
                .failoverMismatch,
                "failover sends \(route.type) requests (\(path)) to provider \(unable.name ?? unable.kind.rawValue) (\(unable.kind.rawValue)), which cannot serve them: a request that fails over to it is answered 400",
                at: unable.location,
                notes: serving.map { DiagnosticNote("\($0.name ?? $0.kind.rawValue) (\($0.kind.rawValue)) serves \(route.type)", at: $0.location) },
                fix: "give this group only providers that serve \(route.type) (openai: Completions, Messages, Responses, Embeddings; anthropic: Completions, Messages, Responses, Passthrough, AnthropicTokenCount; gemini: also Embeddings; vertexai and bedrock: Completions, Messages, Responses), or route \(path) to another backend",
                object: object))
        }
    }

    /// Failover can move a request sized for one provider's window to a provider with a smaller
    /// one (a later group, or a peer in the same group), which refuses it for its length; compared
    /// only where gwc knows both models (`ContextWindows`).
    private mutating func checkContextWindows(_ groups: [[LLMProvider]], object: String) {
        func describe(_ provider: LLMProvider) -> String { "\(provider.name ?? provider.kind.rawValue) (\(provider.kind.rawValue), \(provider.model ?? ""))" }
        let known = groups.enumerated().flatMap { group, providers in
            providers.compactMap { provider in provider.model.flatMap(ContextWindows.tokens(of:)).map { (group: group, provider: provider, tokens: $0) } }
        }
        for target in known {
            // The largest window among the providers a request can be tried on before this one.
            guard let before = known.filter({ $0.group <= target.group && $0.tokens > target.tokens }).max(by: { $0.tokens < $1.tokens }) else { continue }
            diagnostics.append(Diagnostic(
                .failoverMismatch,
                "failover can send a request sized for \(describe(before.provider))'s \(before.tokens.formatted)-token context window to \(describe(target.provider)), whose window is \(target.tokens.formatted) tokens: a longer request that fails over to it is refused for its length",
                at: target.provider.location,
                notes: [DiagnosticNote("\(describe(before.provider)) has a \(before.tokens.formatted)-token window", at: before.provider.location)],
                fix: "give this backend's groups models with the same context window, or keep requests within \(target.tokens.formatted) tokens",
                object: object))
        }
    }

    private mutating func warn(_ message: String, at location: SourceLocation, object: String, fix: String) {
        diagnostics.append(Diagnostic(.notEnforced, message, at: location, fix: fix, object: object))
    }
}

private extension Int {
    /// 1047576 as 1,047,576: lint's messages do not depend on the locale.
    var formatted: String {
        let digits = Array(String(self))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
