import GatewayIR

/// AgentgatewayPolicies (and an AgentgatewayBackend's own prompt guards) as policy records: one
/// per setting, each kind with its fields (docs/table-format.md). Rules refer to them with the
/// level of their attachment (`policies(for:rule:)`); gwrun and `gwc route` merge them.
extension TableCompiler {
    // MARK: Policies

    mutating func compilePolicies() {
        for policy in result.resources.policies.sorted(by: { $0.key < $1.key }) {
            let name = model.intern("\(policy.meta.namespace)/\(policy.meta.name)")
            var records: [UInt32] = []
            if let traffic = policy.traffic {
                for limit in traffic.localRateLimits {
                    let unit: UInt32 = limit.unit == "Hours" ? 3600 : limit.unit == "Minutes" ? 60 : 1
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.localRateLimit.rawValue, Field.Policy.name: name,
                        Field.Policy.RateLimit.requests: limit.requests.map(UInt32.init) ?? TableFormat.none,
                        Field.Policy.RateLimit.tokens: limit.tokens.map(UInt32.init) ?? TableFormat.none, Field.Policy.RateLimit.unitSeconds: unit,
                        Field.Policy.RateLimit.burst: limit.burst.map(UInt32.init) ?? TableFormat.none,
                    ]))
                }
                if let apiKey = traffic.apiKeyAuthentication {
                    var secrets: [String] = apiKey.secretName.map { [$0] } ?? []
                    if let selector = apiKey.secretSelector {
                        // Resolved here, from the Secrets given to gwc: gwrun reads the ones selected now.
                        secrets += result.resources.secrets.filter { secret in
                            secret.meta.namespace == policy.meta.namespace && selector.allSatisfy { secret.meta.labels[$0.key] == $0.value }
                        }.map(\.meta.name).sorted()
                    }
                    let refs = appendSecretRefs(namespace: policy.meta.namespace, names: secrets, key: "")
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.apiKeyAuthentication.rawValue, Field.Policy.name: name,
                        Field.Policy.APIKey.mode: model.intern(apiKey.mode), Field.Policy.APIKey.firstSecretRef: refs.first,
                        Field.Policy.APIKey.secretRefCount: refs.count, Field.Policy.APIKey.locationKind: apiKey.location.kind.rawValue,
                        Field.Policy.APIKey.locationName: model.intern(apiKey.location.name), Field.Policy.APIKey.locationPrefix: model.intern(apiKey.location.prefix),
                    ]))
                }
                if let jwt = traffic.jwtAuthentication {
                    // One record per provider; a policy without providers keeps one that accepts nothing.
                    let providers = jwt.providers.isEmpty ? [AgentgatewayPolicy.JWTAuthentication.Provider(issuer: nil, audiences: [], inlineJWKS: nil)] : jwt.providers
                    for provider in providers {
                        let audiences = appendList(provider.audiences)
                        records.append(model.append(.policies, fields: [
                            Field.Policy.kind: PolicyKind.jwtAuthentication.rawValue, Field.Policy.name: name, Field.Policy.JWT.mode: model.intern(jwt.mode),
                            Field.Policy.JWT.issuer: provider.issuer.map { model.intern($0) } ?? TableFormat.none,
                            Field.Policy.JWT.jwks: model.intern(provider.inlineJWKS ?? ""), Field.Policy.JWT.locationKind: jwt.location.kind.rawValue,
                            Field.Policy.JWT.locationName: model.intern(jwt.location.name), Field.Policy.JWT.locationPrefix: model.intern(jwt.location.prefix),
                            Field.Policy.JWT.firstAudience: audiences.first, Field.Policy.JWT.audienceCount: audiences.count,
                            Field.Policy.JWT.remoteURL: provider.remoteURL.map { model.intern($0) } ?? TableFormat.none,
                            Field.Policy.JWT.cacheSeconds: UInt32(clamping: max(provider.cacheSeconds ?? 300, 1)),
                        ]))
                    }
                }
                if let basic = traffic.basicAuthentication {
                    let refs = appendSecretRefs(namespace: policy.meta.namespace, names: basic.secretName.map { [$0] } ?? [], key: basic.secretKey)
                    let users = appendList(basic.users)
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.basicAuthentication.rawValue, Field.Policy.name: name,
                        Field.Policy.BasicAuth.mode: model.intern(basic.mode), Field.Policy.BasicAuth.firstSecretRef: refs.first,
                        Field.Policy.BasicAuth.secretRefCount: refs.count, Field.Policy.BasicAuth.locationKind: basic.location.kind.rawValue,
                        Field.Policy.BasicAuth.locationName: model.intern(basic.location.name), Field.Policy.BasicAuth.locationPrefix: model.intern(basic.location.prefix),
                        Field.Policy.BasicAuth.realm: model.intern(basic.realm), Field.Policy.BasicAuth.firstUser: users.first, Field.Policy.BasicAuth.userCount: users.count,
                    ]))
                }
                if let timeout = traffic.requestTimeout.flatMap(Self.milliseconds) {
                    records.append(model.append(.policies, fields: [Field.Policy.kind: PolicyKind.timeout.rawValue, Field.Policy.name: name, Field.Policy.Timeout.milliseconds: timeout]))
                }
                if let retry = traffic.retry {
                    let codes = appendList(retry.codes.map(String.init))
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.retry.rawValue, Field.Policy.name: name, Field.Policy.Retry.attempts: retry.attempts.map(UInt32.init) ?? 1,
                        Field.Policy.Retry.backoffMilliseconds: retry.backoff.flatMap(Self.milliseconds) ?? TableFormat.none,
                        Field.Policy.Retry.firstCode: codes.first, Field.Policy.Retry.codeCount: codes.count,
                    ]))
                }
                if let cors = traffic.cors { records.append(appendCORS(cors, name: name)) }
                for (direction, modifier) in [(UInt32(0), traffic.requestHeaders), (1, traffic.responseHeaders)] {
                    guard let modifier else { continue }
                    let ops = appendHeaderOps(modifier)
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.headerModifier.rawValue, Field.Policy.name: name, Field.Policy.HeaderModifier.direction: direction,
                        Field.Policy.HeaderModifier.firstOp: ops.first, Field.Policy.HeaderModifier.opCount: ops.count,
                    ]))
                }
                if let direct = traffic.directResponse {
                    let ops = appendHeaderOps(HeaderModifier(set: direct.headers, add: [], remove: []))
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.directResponse.rawValue, Field.Policy.name: name, Field.Policy.DirectResponse.status: UInt32(clamping: direct.status),
                        Field.Policy.DirectResponse.body: direct.body.map { model.intern($0) } ?? TableFormat.none,
                        Field.Policy.DirectResponse.firstOp: ops.first, Field.Policy.DirectResponse.opCount: ops.count,
                    ]))
                }
                if let mode = traffic.hostRewrite {
                    records.append(model.append(.policies, fields: [
                        Field.Policy.kind: PolicyKind.hostRewrite.rawValue, Field.Policy.name: name, Field.Policy.HostRewrite.mode: mode == "Auto" ? 1 : 0,
                    ]))
                }
            }
            // `backend.http.requestTimeout` of a policy caps the upstream call like `traffic.timeouts.request`;
            // for an AgentgatewayBackend it targets, the backend's own record carries it (below).
            if let timeout = policy.backend?.requestTimeout.flatMap(Self.milliseconds), policy.targetRefs.contains(where: { $0.kind != "AgentgatewayBackend" }) {
                records.append(model.append(.policies, fields: [Field.Policy.kind: PolicyKind.timeout.rawValue, Field.Policy.name: name, Field.Policy.Timeout.milliseconds: timeout]))
            }
            if let promptGuard = policy.backend?.promptGuard { records += appendPromptGuard(promptGuard, name: name) }
            policyIndex[policy.key] = records
            if let frontend = policy.frontend { frontendIndex[policy.key] = appendFrontend(frontend, name: name) }
        }
        compileBudgets()
        // An AgentgatewayBackend's own `policies.ai.promptGuard` beats any policy targeting it.
        for key in result.index.backends.keys.sorted() {
            guard let promptGuard = result.index.backends[key]?.policies.promptGuard else { continue }
            backendOwnPolicies[key] = appendPromptGuard(promptGuard, name: model.intern("\(key.namespace)/\(key.name) (AgentgatewayBackend policies)"))
        }
    }

    private mutating func appendPromptGuard(_ promptGuard: PromptGuard, name: UInt32) -> [UInt32] {
        var records: [UInt32] = []
        for (direction, rules) in [(UInt32(0), promptGuard.request), (1, promptGuard.response)] {
            for rule in rules {
                let patterns = appendList(rule.matches), builtins = appendList(rule.builtins)
                records.append(model.append(.policies, fields: [
                    Field.Policy.kind: PolicyKind.promptGuard.rawValue, Field.Policy.name: name, Field.Policy.PromptGuard.direction: direction,
                    Field.Policy.PromptGuard.action: model.intern(rule.action), Field.Policy.PromptGuard.firstPattern: patterns.first,
                    Field.Policy.PromptGuard.patternCount: patterns.count, Field.Policy.PromptGuard.firstBuiltin: builtins.first,
                    Field.Policy.PromptGuard.builtinCount: builtins.count, Field.Policy.PromptGuard.rejectStatus: rule.rejectStatus.map(UInt32.init) ?? 403,
                    Field.Policy.PromptGuard.rejectMessage: model.intern(rule.rejectMessage),
                ]))
            }
        }
        return records
    }

    mutating func appendCORS(_ cors: AgentgatewayPolicy.CORS, name: UInt32) -> UInt32 {
        let origins = appendList(cors.allowOrigins), methods = appendList(cors.allowMethods)
        let allowHeaders = appendList(cors.allowHeaders), exposeHeaders = appendList(cors.exposeHeaders)
        return model.append(.policies, fields: [
            Field.Policy.kind: PolicyKind.cors.rawValue, Field.Policy.name: name, Field.Policy.CORS.firstOrigin: origins.first,
            Field.Policy.CORS.originCount: origins.count, Field.Policy.CORS.firstMethod: methods.first, Field.Policy.CORS.methodCount: methods.count,
            Field.Policy.CORS.maxAge: cors.maxAge.map(UInt32.init) ?? 5, Field.Policy.CORS.allowCredentials: cors.allowCredentials == true ? 1 : 0,
            Field.Policy.CORS.firstAllowHeader: allowHeaders.first, Field.Policy.CORS.allowHeaderCount: allowHeaders.count,
            Field.Policy.CORS.firstExposeHeader: exposeHeaders.first, Field.Policy.CORS.exposeHeaderCount: exposeHeaders.count,
        ])
    }

    /// Secret references, one per name Kubernetes would accept (others are GW503 and left out).
    private mutating func appendSecretRefs(namespace: String, names: [String], key: String) -> (first: UInt32, count: UInt32) {
        let first = UInt32(model.count(.secretRefs))
        var count: UInt32 = 0
        for name in names where KubernetesNames.secretReferenceProblem(namespace: namespace, name: name, key: key.isEmpty ? nil : key) == nil {
            model.append(.secretRefs, fields: [Field.SecretRef.namespace: model.intern(namespace), Field.SecretRef.name: model.intern(name), Field.SecretRef.key: model.intern(key)])
            count += 1
        }
        return (first, count)
    }

    mutating func appendList(_ strings: [String]) -> (first: UInt32, count: UInt32) {
        let first = UInt32(model.count(.stringLists))
        for string in strings { model.append(.stringLists, fields: [0: model.intern(string)]) }  // one word: the string's id
        return (first, UInt32(strings.count))
    }
}
