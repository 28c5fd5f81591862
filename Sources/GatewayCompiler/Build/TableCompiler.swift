import GatewayIR

/// Lowers an analysed configuration to a route table: what a controller would program. Routes
/// that attach nowhere and dropped rules are left out; a backendRef that resolves nowhere keeps
/// its weight and answers 500. Everything is ordered by identity, never by input order, so the
/// same objects give the same bytes.
public struct TableCompiler {
    let result: LintResult
    var model = TableModel()
    var backendIndex: [ObjectKey: UInt32] = [:]
    var policyIndex: [ObjectKey: [UInt32]] = [:]
    var ruleRecords: [RuleID: UInt32] = [:]
    var valueMatchCache: [String: UInt32] = [:]
    /// Gateways each route attaches to, computed once.
    var gatewaysByRoute: [ObjectKey: Set<ObjectKey>] = [:]
    /// Policies by what they target, computed once: `kind/namespace/name`.
    var policiesByTarget: [String: [ObjectKey]] = [:]
    var policiesByKey: [ObjectKey: AgentgatewayPolicy] = [:]
    /// Policy records made from AgentgatewayBackends' own `policies` (prompt guards).
    var backendOwnPolicies: [ObjectKey: [UInt32]] = [:]
    /// Each Gateway's listener records by listener name (records come in Gateway order).
    var listenerIndex: [ObjectKey: [String: UInt32]] = [:]

    /// With false, file names and line numbers are left out (empty, 0), so that moving a
    /// document to another file or place leaves the table byte-identical.
    let includeSourceMap: Bool

    public init(result: LintResult, includeSourceMap: Bool = true) {
        self.result = result
        self.includeSourceMap = includeSourceMap
    }

    public static func compile(_ result: LintResult, includeSourceMap: Bool = true) -> TableModel {
        var compiler = TableCompiler(result: result, includeSourceMap: includeSourceMap)
        compiler.run()
        return compiler.model
    }

    mutating func run() {
        for attachment in result.status.attachments { gatewaysByRoute[attachment.route, default: []].insert(attachment.gateway) }
        var listenerCursor: UInt32 = 0
        for gateway in result.index.gateways.values.sorted(by: { $0.key < $1.key }) {
            for listener in gateway.listeners {
                listenerIndex[gateway.key, default: [:]][listener.name] = listenerCursor
                listenerCursor += 1
            }
        }
        for policy in result.resources.policies {
            policiesByKey[policy.key] = policy
            for target in policy.targetRefs { policiesByTarget["\(target.kind)/\(policy.meta.namespace)/\(target.name)", default: []].append(policy.key) }
        }
        compileBackends()
        compilePolicies()
        compileRoutes()
        compileGateways()
        compileHermes()
    }

    // MARK: Backends

    private mutating func compileBackends() {
        var services = Set<ObjectKey>()
        for route in result.index.routes.values {
            for rule in route.rules {
                for ref in rule.backendRefs + rule.filters.compactMap(\.requestMirror) where ref.group == "" && ref.kind == "Service" {
                    let key = ObjectKey(group: "", kind: "Service", namespace: ref.namespace ?? route.meta.namespace, name: ref.name)
                    if result.index.services[key] != nil { services.insert(key) }
                }
            }
        }
        for key in services.sorted() {
            backendIndex[key] = model.append(.backends, fields: [
                Field.Backend.kind: BackendKind.service.rawValue,
                Field.Backend.namespace: model.intern(key.namespace),
                Field.Backend.name: model.intern(key.name),
                Field.Backend.host: TableFormat.none,
                Field.Backend.port: TableFormat.none,
                Field.Backend.firstProvider: 0,
                Field.Backend.providerCount: 0,
                Field.Backend.firstRouteType: 0,
                Field.Backend.routeTypeCount: 0,
                Field.Backend.requestTimeoutMs: TableFormat.none,
            ])
        }
        for key in result.index.backends.keys.sorted() {
            guard let backend = result.index.backends[key] else { continue }
            var kind = BackendKind.other
            var host = TableFormat.none, port = TableFormat.none
            let firstProvider = UInt32(model.count(.providers))
            switch backend.kind {
            case .ai(let ai):
                kind = .ai
                let groups = ai.provider.map { [[$0]] } ?? ai.groups
                for (group, providers) in groups.enumerated() {
                    for provider in providers { appendProvider(provider, group: group, backend: backend) }
                }
            case .static(let staticHost, let staticPort, _):
                kind = .static
                host = model.intern(staticHost)
                port = staticPort.map(UInt32.init) ?? TableFormat.none
            case .other, .invalid:
                break
            }
            let providerCount = UInt32(model.count(.providers)) - firstProvider
            let firstRouteType = UInt32(model.count(.routeTypes))
            for route in backend.policies.aiRoutes {
                model.append(.routeTypes, fields: [Field.RouteType.suffix: model.intern(route.pathSuffix), Field.RouteType.type: model.intern(route.routeType)])
            }
            let timeout = backendTimeout(backend) ?? TableFormat.none
            backendIndex[key] = model.append(.backends, fields: [
                Field.Backend.kind: kind.rawValue,
                Field.Backend.namespace: model.intern(key.namespace),
                Field.Backend.name: model.intern(key.name),
                Field.Backend.host: host,
                Field.Backend.port: port,
                Field.Backend.firstProvider: firstProvider,
                Field.Backend.providerCount: providerCount,
                Field.Backend.firstRouteType: firstRouteType,
                Field.Backend.routeTypeCount: UInt32(model.count(.routeTypes)) - firstRouteType,
                Field.Backend.requestTimeoutMs: timeout,
            ])
        }
    }

    private mutating func appendProvider(_ provider: LLMProvider, group: Int, backend: AgentgatewayBackend) {
        let auth = provider.policies?.auth ?? backend.policies.auth
        var authRef = TableFormat.none
        var mode = AuthMode.none
        switch auth?.source {
        case .secretRef(let name, let key)?:
            // A reference no Secret could satisfy (lint's GW503) is left out: no credential is sent.
            let dataKey = key ?? BackendAuth.defaultSecretKey
            if KubernetesNames.secretReferenceProblem(namespace: backend.meta.namespace, name: name, key: dataKey) == nil {
                mode = .secretRef
                authRef = model.append(.secretRefs, fields: [Field.SecretRef.namespace: model.intern(backend.meta.namespace), Field.SecretRef.name: model.intern(name), Field.SecretRef.key: model.intern(dataKey)])
            } else {
                mode = .other
            }
        case .inline?: mode = .inline  // the value itself never enters the table
        case .passthrough?: mode = .passthrough
        case .other?: mode = .other
        case nil: break
        }
        model.append(.providers, fields: [
            Field.Provider.kind: model.intern(provider.kind.rawValue),
            Field.Provider.model: model.intern(provider.model),
            Field.Provider.host: model.intern(provider.host),
            Field.Provider.port: provider.port.map(UInt32.init) ?? TableFormat.none,
            Field.Provider.path: model.intern(provider.path),
            Field.Provider.pathPrefix: model.intern(provider.pathPrefix),
            Field.Provider.auth: authRef,
            Field.Provider.authMode: mode.rawValue,
            Field.Provider.group: UInt32(group),
            Field.Provider.name: model.intern(provider.name),
        ])
    }

    // MARK: Policies

    private mutating func compilePolicies() {
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
        }
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

    /// Policies that apply to a rule, each with where it is attached: the Gateways the route
    /// attaches to (all their listeners, or one through `sectionName`), the route (or this rule
    /// through `sectionName`), and the AgentgatewayBackends the rule reaches. gwrun and `gwc route`
    /// merge them per field (`RouteTable.policyChain`).
    func policies(for route: HTTPRoute, rule: HTTPRouteRule) -> [(policy: UInt32, level: PolicyLevel, listener: UInt32?)] {
        var refs: [(policy: UInt32, level: PolicyLevel, listener: UInt32?)] = []
        func add(_ kind: String, _ namespace: String, _ name: String, _ attach: (AgentgatewayPolicy.TargetRef) -> (PolicyLevel, UInt32?)?) {
            for key in (policiesByTarget["\(kind)/\(namespace)/\(name)"] ?? []).sorted() {
                guard let policy = policiesByKey[key] else { continue }
                for target in policy.targetRefs where target.kind == kind && target.name == name {
                    guard let (level, listener) = attach(target) else { continue }
                    refs += (policyIndex[key] ?? []).map { ($0, level, listener) }
                }
            }
        }
        add("HTTPRoute", route.meta.namespace, route.meta.name) { target in
            guard let section = target.sectionName else { return (.route, nil) }
            return section == rule.name ? (.rule, nil) : nil
        }
        for gateway in (gatewaysByRoute[route.key] ?? []).sorted() {
            add("Gateway", gateway.namespace, gateway.name) { target in
                guard let section = target.sectionName else { return (.gateway, nil) }
                return listenerIndex[gateway]?[section].map { (.listener, $0) }
            }
        }
        for ref in rule.backendRefs where ref.group == APIGroup.agentgateway {
            add("AgentgatewayBackend", ref.namespace ?? route.meta.namespace, ref.name) { _ in (.backend, nil) }
            let key = ObjectKey(group: APIGroup.agentgateway, kind: "AgentgatewayBackend", namespace: ref.namespace ?? route.meta.namespace, name: ref.name)
            refs += (backendOwnPolicies[key] ?? []).map { ($0, .backendOwn, nil) }
        }
        return refs
    }

    /// A backend's request timeout: its own `policies.http.requestTimeout`, else the shortest of
    /// the policies that target it (the more specific setting wins, as agentgateway merges them).
    func backendTimeout(_ backend: AgentgatewayBackend) -> UInt32? {
        if let own = backend.policies.requestTimeout.flatMap(Self.milliseconds) { return own }
        let targeting = policiesByTarget["AgentgatewayBackend/\(backend.meta.namespace)/\(backend.meta.name)"] ?? []
        return result.resources.policies.filter { targeting.contains($0.key) }.compactMap { $0.backend?.requestTimeout.flatMap(Self.milliseconds) }.min()
    }

    func sourceFile(_ location: SourceLocation) -> String { includeSourceMap ? location.file : "" }
    func sourceLine(_ location: SourceLocation) -> UInt32 { includeSourceMap ? UInt32(clamping: location.line) : 0 }

    static func milliseconds(_ duration: String) -> UInt32? {
        GatewayAPIAnalyzer.durationMilliseconds(duration).map { UInt32(clamping: $0) }
    }
}
