import GatewayIR

/// An AI route that anyone who can reach the listener may use spends the provider key of the
/// gateway. Only what gwrun enforces counts: API-key, basic or JWT authentication in Strict mode
/// on the route, on every rule of it that reaches an AI backend, or on its Gateway (the listener,
/// with `sectionName`). Optional and Permissive modes (which let clients without a credential
/// through) and the LAN-only annotation are named in a note instead.
struct ClientAuthChecker {
    let index: ResourceIndex
    let report: StatusReport
    var diagnostics: [Diagnostic] = []

    static let exposureAnnotation = "gwc.dev/exposure"

    /// Whether the networkAuthorization rules on `port` of `gateway` admit no client beyond the LAN.
    func lanOnlyBySourceRules(_ gateway: Gateway, port: Int) -> Bool {
        let rules = index.resources.policies.filter { policy in
            policy.meta.namespace == gateway.meta.namespace && policy.frontend?.networkAuthorization != nil
                && policy.targetRefs.contains { $0.kind == "Gateway" && $0.name == gateway.meta.name && $0.sectionName == nil && ($0.port == nil || $0.port == port) }
        }.compactMap(\.frontend?.networkAuthorization)
        guard !rules.isEmpty else { return false }
        let networks = rules.flatMap { $0.expressions.flatMap(\.networks) }
        return SourceRuleAnalysis.admitsOnlyLAN(networks: networks) { address in
            FrontendSettings.decide(rules.map { rule in
                (NetworkAction(crdAction: rule.action), !rule.expressions.isEmpty && rule.expressions.allSatisfy { $0.evaluate(address) })
            })
        }
    }

    mutating func run() {
        // Where a policy that gwrun enforces makes every client authenticate, computed once:
        // `kind/namespace/name` or `kind/namespace/name/section`.
        var enforced = Set<String>(), unenforced = Set<String>()
        for policy in index.resources.policies {
            guard let traffic = policy.traffic, traffic.authenticatesClients else { continue }
            let strict = [traffic.apiKeyAuthentication?.mode, traffic.basicAuthentication?.mode, traffic.jwtAuthentication?.mode].contains { $0 != nil && $0 != "Optional" && $0 != "Permissive" }
            for target in policy.targetRefs where target.kind == "HTTPRoute" || target.kind == "Gateway" {
                let key = "\(target.kind)/\(policy.meta.namespace)/\(target.name)" + (target.sectionName.map { "/\($0)" } ?? "")
                if strict { enforced.insert(key) } else { unenforced.insert(key) }
            }
        }
        var warned = Set<ObjectKey>()
        for attachment in report.attachments {
            guard !warned.contains(attachment.route), let route = index.routes[attachment.route], let gateway = index.gateways[attachment.gateway],
                  let listener = gateway.listeners.first(where: { $0.name == attachment.listenerName }) else { continue }
            let aiBackends = route.rules.flatMap(\.backendRefs).filter { ref in
                guard ref.group == APIGroup.agentgateway, ref.kind == "AgentgatewayBackend",
                      let backend = index.backends[ref.target(defaultNamespace: route.meta.namespace)], case .ai = backend.kind else { return false }
                return true
            }
            guard !aiBackends.isEmpty else { continue }
            let routeKey = "HTTPRoute/\(route.meta.namespace)/\(route.meta.name)"
            let gatewayKeys = ["Gateway/\(gateway.meta.namespace)/\(gateway.meta.name)", "Gateway/\(gateway.meta.namespace)/\(gateway.meta.name)/\(listener.name)"]
            let aiRules = route.rules.filter { rule in rule.backendRefs.contains { ref in aiBackends.contains { $0 == ref } } }
            let protected = enforced.contains(routeKey) || gatewayKeys.contains { enforced.contains($0) }
                || aiRules.allSatisfy { rule in rule.name.map { enforced.contains(routeKey + "/" + $0) } ?? false }
            // gwrun accepts a LAN-only Gateway's connections only from LAN addresses, and enforces
            // networkAuthorization rules that may admit only those.
            if protected || gateway.meta.annotations[Self.exposureAnnotation] == "lan" || lanOnlyBySourceRules(gateway, port: listener.port) { continue }
            warned.insert(route.key)
            var notes = [DiagnosticNote("listener \"\(listener.name)\"", at: listener.location)]
            if ([routeKey] + gatewayKeys).contains(where: { unenforced.contains($0) }) || enforced.contains(where: { $0.hasPrefix(routeKey + "/") }) {
                notes.append(DiagnosticNote("an AgentgatewayPolicy authenticates clients here, but lets some through: Optional or Permissive mode, or not on every rule"))
            }
            diagnostics.append(Diagnostic(
                .openAIRouteWithoutAuth,
                "HTTPRoute \(route.meta.namespace)/\(route.meta.name) sends traffic to an AI provider with the gateway's key, and gwrun authenticates no client on listener \"\(listener.name)\" (port \(listener.port)): anyone who reaches the port spends the key",
                at: route.meta.location, notes: notes,
                fix: "attach an AgentgatewayPolicy with `traffic.apiKeyAuthentication` (or `basicAuthentication`) in Strict mode to the route or its Gateway, or keep the port reachable only from trusted clients",
                object: route.key.description))
        }
    }
}
