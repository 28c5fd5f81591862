extension RouteTable {
    /// The field of an AgentgatewayPolicy a policy record comes from: policies merge per field.
    public static func policyField(_ kind: PolicyKind) -> String {
        switch kind {
        case .cors: "traffic.cors"
        case .apiKeyAuthentication: "traffic.apiKeyAuthentication"
        case .basicAuthentication: "traffic.basicAuthentication"
        case .jwtAuthentication: "traffic.jwtAuthentication"
        case .localRateLimit: "traffic.rateLimit"
        case .promptGuard: "backend.ai.promptGuard"
        case .retry: "traffic.retry"
        case .timeout: "timeouts"
        case .headerModifier: "traffic.headerModifiers"
        case .directResponse: "traffic.directResponse"
        case .hostRewrite: "traffic.hostRewrite"
        case .frontendTLS: "frontend.tls"
        case .networkRule: "frontend.networkAuthorization"
        case .proxyProtocol: "frontend.proxyProtocol"
        case .tracing: "frontend.tracing"
        case .budget: "budgets"
        }
    }

    /// The order a request meets its policies in (docs/policies.md): CORS first (a preflight
    /// carries no credential), then authentication, rate limits, prompt guards, a direct response,
    /// the upstream request's headers and Host, retries, timeouts.
    public static let evaluationOrder: [PolicyKind] = [
        .cors, .apiKeyAuthentication, .basicAuthentication, .jwtAuthentication, .localRateLimit, .budget, .promptGuard, .directResponse,
        .headerModifier, .hostRewrite, .retry, .timeout,
    ]

    /// The policies a request on `listener` matched to `rule` meets, merged as agentgateway merges
    /// them: per field, the most specific attachment wins (Gateway < listener < HTTPRoute < rule <
    /// backend); two policies setting one field at one level: the first by `namespace/name` wins
    /// (gwc lint reports it, GW421). Timeouts and budgets are not merged: every one applies (the
    /// shortest timeout acts; every budget must have room).
    /// In evaluation order.
    public func policyChain(rule: Int, listener: Int?) -> [AttachedPolicy] {
        let attached = self.rule(rule).attachedPolicies.filter { $0.listener == nil || $0.listener == listener }
        guard !attached.isEmpty else { return [] }
        var byField: [String: [AttachedPolicy]] = [:]
        for policy in attached {
            guard let kind = policy.policy.kind else { continue }
            byField[Self.policyField(kind), default: []].append(policy)
        }
        var chain: [AttachedPolicy] = []
        for kind in Self.evaluationOrder {
            guard let candidates = byField[Self.policyField(kind)] else { continue }
            let ofKind = candidates.filter { $0.policy.kind == kind }
            if kind == .timeout || kind == .budget { chain += ofKind; continue }
            // The winner is decided over the whole field, then this kind's records of it are kept.
            guard let top = candidates.map(\.level).max() else { continue }
            let winner = candidates.filter { $0.level == top }.map(\.policy.name).min()
            chain += ofKind.filter { $0.level == top && $0.policy.name == winner }
        }
        return chain
    }
}
