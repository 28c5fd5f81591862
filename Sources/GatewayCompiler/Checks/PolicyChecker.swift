import GatewayIR

/// What AgentgatewayPolicies do together: two that set one field on one target (GW421;
/// agentgateway lets one silently overwrite the other while both report Accepted; gwc, gwrun
/// and `gwc route` apply the first by `namespace/name`), and the Secrets client authentication
/// reads (GW422: a Secret that is not there refuses every client at gwrun's start).
struct PolicyChecker {
    let index: ResourceIndex
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        checkConflicts()
        checkClientSecrets()
    }

    /// The fields policies merge by (`RouteTable.policyField`), for the policy's settings.
    static func fields(_ policy: AgentgatewayPolicy) -> [String] {
        var fields: [String] = []
        if let traffic = policy.traffic {
            if traffic.apiKeyAuthentication != nil { fields.append("traffic.apiKeyAuthentication") }
            if traffic.basicAuthentication != nil { fields.append("traffic.basicAuthentication") }
            if traffic.jwtAuthentication != nil { fields.append("traffic.jwtAuthentication") }
            if !traffic.localRateLimits.isEmpty { fields.append("traffic.rateLimit") }
            if traffic.cors != nil { fields.append("traffic.cors") }
            if traffic.retry != nil { fields.append("traffic.retry") }
            if traffic.requestTimeout != nil { fields.append("traffic.timeouts") }
        }
        if policy.backend?.promptGuard != nil { fields.append("backend.ai.promptGuard") }
        return fields
    }

    private mutating func checkConflicts() {
        var setters: [String: [AgentgatewayPolicy]] = [:]
        for policy in index.resources.policies.sorted(by: { $0.key < $1.key }) {
            for target in policy.targetRefs {
                let scope = "\(target.kind) \(policy.meta.namespace)/\(target.name)" + (target.sectionName.map { " section \($0)" } ?? "")
                for field in Self.fields(policy) where field != "traffic.timeouts" { setters["\(scope)|\(field)", default: []].append(policy) }
            }
        }
        for key in setters.keys.sorted() {
            guard let policies = setters[key], policies.count > 1, let winner = policies.first else { continue }
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            for loser in policies.dropFirst() {
                diagnostics.append(Diagnostic(
                    .policyConflict,
                    "AgentgatewayPolicy \(loser.meta.namespace)/\(loser.meta.name) sets `\(parts[1])` on \(parts[0]), as \(winner.meta.namespace)/\(winner.meta.name) does: only the setting of \(winner.meta.name) applies (the first by namespace/name)",
                    at: loser.meta.location, notes: [DiagnosticNote("the setting that applies", at: winner.meta.location)],
                    fix: "merge the two settings into one policy, or target different objects", object: "AgentgatewayPolicy \(loser.meta.namespace)/\(loser.meta.name)"))
            }
        }
    }

    private mutating func checkClientSecrets() {
        guard !index.resources.secrets.isEmpty else {
            // Secrets managed elsewhere: a selector still needs them, since `gwc build` resolves it.
            for policy in index.resources.policies where policy.traffic?.apiKeyAuthentication?.secretSelector != nil {
                diagnostics.append(Diagnostic(
                    .clientSecretNotFound, "apiKeyAuthentication secretSelector is resolved by gwc build from the Secrets it is given, and none are: gwrun would accept no key",
                    at: policy.meta.location, fix: "give gwc the client-key Secret objects (their labels are what is selected; gwrun reads the values from --secrets-dir), or use secretRef",
                    object: "AgentgatewayPolicy \(policy.meta.namespace)/\(policy.meta.name)"))
            }
            return
        }
        for policy in index.resources.policies {
            guard let traffic = policy.traffic else { continue }
            let object = "AgentgatewayPolicy \(policy.meta.namespace)/\(policy.meta.name)"
            var references: [(what: String, name: String, key: String?)] = []
            if let name = traffic.apiKeyAuthentication?.secretName { references.append(("apiKeyAuthentication secretRef", name, nil)) }
            if let basic = traffic.basicAuthentication, let name = basic.secretName { references.append(("basicAuthentication secretRef", name, basic.secretKey)) }
            for reference in references {
                guard let secret = index.secret(namespace: policy.meta.namespace, name: reference.name) else {
                    diagnostics.append(Diagnostic(
                        .clientSecretNotFound, "\(reference.what) names Secret \(policy.meta.namespace)/\(reference.name), which does not exist: gwrun refuses to start without it",
                        at: policy.meta.location, fix: "create the Secret, or correct the name", object: object))
                    continue
                }
                if let key = reference.key, secret.values[key] == nil {
                    diagnostics.append(Diagnostic(
                        .clientSecretNotFound, "\(reference.what): Secret \(policy.meta.namespace)/\(reference.name) has no key \"\(key)\" (the htpasswd file)",
                        at: secret.meta.location, fix: "add the key, or name it with `secretRef.key`", object: object))
                }
            }
            if let selector = traffic.apiKeyAuthentication?.secretSelector {
                let selected = index.resources.secrets.filter { secret in
                    secret.meta.namespace == policy.meta.namespace && selector.allSatisfy { secret.meta.labels[$0.key] == $0.value }
                }
                if selected.isEmpty {
                    diagnostics.append(Diagnostic(
                        .clientSecretNotFound, "apiKeyAuthentication secretSelector selects no Secret in namespace \(policy.meta.namespace): no key is accepted",
                        at: policy.meta.location, fix: "label the Secrets that hold client keys with \(selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))", object: object))
                }
                for secret in selected where secret.values.keys.contains(BackendAuth.defaultSecretKey) {
                    diagnostics.append(Diagnostic(
                        .clientSecretNotFound, "apiKeyAuthentication secretSelector selects Secret \(secret.meta.namespace)/\(secret.meta.name), which has an `\(BackendAuth.defaultSecretKey)` key: a provider credential would become a client key",
                        at: secret.meta.location, fix: "narrow the selector's labels to the Secrets of client keys", object: object))
                }
            }
        }
    }
}
