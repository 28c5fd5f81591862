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
    /// Each policy's frontend records (Gateways refer to them; rules never do).
    var frontendIndex: [ObjectKey: [UInt32]] = [:]
    var ruleRecords: [RuleID: UInt32] = [:]
    var valueMatchCache: [String: UInt32] = [:]
    /// Gateways each route attaches to, computed once.
    var gatewaysByRoute: [ObjectKey: Set<ObjectKey>] = [:]
    /// Policies by what they target, computed once: `kind/namespace/name`.
    var policiesByTarget: [String: [ObjectKey]] = [:]
    var policiesByKey: [ObjectKey: AgentgatewayPolicy] = [:]
    /// Budgets attach as policies do, by their targetRefs.
    var budgetTargets: [ObjectKey: [AgentgatewayPolicy.TargetRef]] = [:]
    /// Policy records made from AgentgatewayBackends' own `policies` (prompt guards).
    var backendOwnPolicies: [ObjectKey: [UInt32]] = [:]
    /// Each Gateway's listener records by listener name (records come in Gateway order).
    var listenerIndex: [ObjectKey: [String: UInt32]] = [:]
    /// The shared upstream TLS record of providers' own endpoints, once made.
    var defaultUpstreamTLS: UInt32?

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
        for budget in result.resources.budgets {
            budgetTargets[budget.key] = budget.targetRefs
            for target in budget.targetRefs { policiesByTarget["\(target.kind)/\(budget.meta.namespace)/\(target.name)", default: []].append(budget.key) }
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
                Field.Backend.tls: upstreamTLSRecord(for: key) ?? TableFormat.none,
            ])
        }
        for key in result.index.backends.keys.sorted() {
            guard let backend = result.index.backends[key] else { continue }
            var kind = BackendKind.other
            var host = TableFormat.none, port = TableFormat.none
            let firstProvider = UInt32(model.count(.providers))
            let tls = upstreamTLSRecord(for: key)
            switch backend.kind {
            case .ai(let ai):
                kind = .ai
                let groups = ai.provider.map { [[$0]] } ?? ai.groups
                for (group, providers) in groups.enumerated() {
                    for provider in providers { appendProvider(provider, group: group, backend: backend, tls: tls) }
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
            let aliases = appendList(backend.policies.modelAliases.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
            let edits = appendList(backend.policies.requestEdits.flatMap { [$0.kind.rawValue, $0.key, $0.value] })
            let caching = backend.policies.promptCaching
            var cachingFlags: PromptCachingFlags = []
            if let caching {
                cachingFlags.insert(.enabled)
                if caching.cacheSystem { cachingFlags.insert(.system) }
                if caching.cacheMessages { cachingFlags.insert(.messages) }
                if caching.cacheTools { cachingFlags.insert(.tools) }
            }
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
                // An AI backend's TLS is its providers' (below); a static one's is its own.
                Field.Backend.tls: kind == .static ? tls ?? TableFormat.none : TableFormat.none,
                Field.Backend.firstAlias: aliases.first, Field.Backend.aliasCount: aliases.count,
                Field.Backend.firstEdit: edits.first, Field.Backend.editCount: edits.count,
                Field.Backend.promptCaching: cachingFlags.rawValue,
                Field.Backend.cacheMinTokens: UInt32(clamping: caching?.minTokens ?? 0), Field.Backend.cacheMessageOffset: UInt32(clamping: caching?.messageOffset ?? 0),
            ])
        }
    }

    /// `tls`: the backend's own TLS settings, for every provider; without them a provider's own
    /// endpoint gets the default (system trust store) and a host override plain HTTP.
    private mutating func appendProvider(_ provider: LLMProvider, group: Int, backend: AgentgatewayBackend, tls: UInt32?) {
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
        case .aws(let name, _, _)?:
            // The whole Secret: its `accessKey`, `secretKey` and optional `sessionToken`.
            if KubernetesNames.secretReferenceProblem(namespace: backend.meta.namespace, name: name, key: nil) == nil {
                mode = .secretRef
                authRef = model.append(.secretRefs, fields: [Field.SecretRef.namespace: model.intern(backend.meta.namespace), Field.SecretRef.name: model.intern(name), Field.SecretRef.key: model.intern("")])
            } else {
                mode = .other
            }
        case .inline?: mode = .inline  // the value itself never enters the table
        case .passthrough?: mode = .passthrough
        case .other?: mode = .other
        case nil: break
        }
        // A provider whose API gwc cannot place (GW411) gets no host: gwrun answers 500.
        let api = try? ProviderAPI.resolve(provider).get()
        let signing = SigningScope.resolve(provider: provider, auth: auth, api: api)
        model.append(.providers, fields: [
            Field.Provider.kind: model.intern(provider.kind.rawValue),
            Field.Provider.model: model.intern(provider.model ?? api?.settingsModel),
            Field.Provider.host: model.intern(api?.host),
            Field.Provider.port: provider.port.map(UInt32.init) ?? TableFormat.none,
            Field.Provider.path: model.intern(provider.path),
            Field.Provider.pathPrefix: model.intern(api?.pathPrefix),
            Field.Provider.tls: tls ?? (api?.tls == true ? defaultUpstreamTLSRecord() : TableFormat.none),
            Field.Provider.query: model.intern(api?.query),
            Field.Provider.formats: api?.formats.rawValue ?? 0,
            Field.Provider.credentialHeader: signing != nil ? CredentialHeader.awsSigV4.rawValue : api?.credentialHeader.rawValue ?? CredentialHeader.bearer.rawValue,
            Field.Provider.signingRegion: model.intern(signing?.region),
            Field.Provider.signingService: model.intern(signing?.service),
            Field.Provider.auth: authRef,
            Field.Provider.authMode: mode.rawValue,
            Field.Provider.group: UInt32(group),
            Field.Provider.name: model.intern(provider.name),
        ])
    }

    /// Policies that apply to a rule, each with where it is attached: the Gateways the route
    /// attaches to (all their listeners, or one through `sectionName`), the route (or this rule
    /// through `sectionName`), and the AgentgatewayBackends the rule reaches. gwrun and `gwc route`
    /// merge them per field (`RouteTable.policyChain`).
    func policies(for route: HTTPRoute, rule: HTTPRouteRule) -> [(policy: UInt32, level: PolicyLevel, listener: UInt32?)] {
        var refs: [(policy: UInt32, level: PolicyLevel, listener: UInt32?)] = []
        func add(_ kind: String, _ namespace: String, _ name: String, _ attach: (AgentgatewayPolicy.TargetRef) -> (PolicyLevel, UInt32?)?) {
            // A policy targeting two sections of one object is listed once per target: once is enough.
            for key in Set(policiesByTarget["\(kind)/\(namespace)/\(name)"] ?? []).sorted() {
                guard let targets = policiesByKey[key]?.targetRefs ?? budgetTargets[key] else { continue }
                for target in targets where target.kind == kind && target.name == name {
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
