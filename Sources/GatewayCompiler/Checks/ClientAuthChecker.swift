import GatewayIR

/// An AI route that anyone who can reach the listener may use spends the provider key of the
/// gateway: warn when no policy authenticates clients and the listener is not LAN-only.
struct ClientAuthChecker {
    let index: ResourceIndex
    let report: StatusReport
    var diagnostics: [Diagnostic] = []

    static let lanSuffixes = [".local", ".internal", ".lan", ".svc", ".cluster.local", ".localhost", ".home.arpa"]
    static let exposureAnnotation = "gwc.dev/exposure"

    mutating func run() {
        // Routes and Gateways that some policy authenticates clients on, computed once.
        var authenticated = Set<ObjectKey>()
        for policy in index.resources.policies where policy.traffic?.authenticatesClients == true {
            for target in policy.targetRefs where target.kind == "HTTPRoute" || target.kind == "Gateway" {
                authenticated.insert(ObjectKey(group: APIGroup.gateway, kind: target.kind, namespace: policy.meta.namespace, name: target.name))
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
            guard !aiBackends.isEmpty, !isLANOnly(listener, gateway: gateway), !authenticated.contains(route.key), !authenticated.contains(gateway.key) else { continue }
            warned.insert(route.key)
            diagnostics.append(Diagnostic(
                .openAIRouteWithoutAuth,
                "HTTPRoute \(route.meta.namespace)/\(route.meta.name) sends traffic to an AI provider with the gateway's key, and no policy authenticates clients on listener \"\(listener.name)\" (port \(listener.port)), which is not LAN-only",
                at: route.meta.location,
                notes: [DiagnosticNote("listener \"\(listener.name)\"", at: listener.location)],
                fix: "add an AgentgatewayPolicy with traffic.apiKeyAuthentication targeting the route or Gateway, or annotate the Gateway \(Self.exposureAnnotation): lan if it is reachable only from the LAN",
                object: route.key.description))
        }
    }

    private func isLANOnly(_ listener: Listener, gateway: Gateway) -> Bool {
        if gateway.meta.annotations[Self.exposureAnnotation] == "lan" { return true }
        guard let hostname = listener.hostname else { return false }
        return Self.lanSuffixes.contains { hostname.hasSuffix($0) }
    }
}
