import GatewayIR

/// An AI route that anyone who can reach the listener may use spends the provider key of the
/// gateway. Only what gwrun enforces counts: it enforces no client authentication and no source
/// range yet, so every AI route is reported, and an authentication policy or the LAN-only
/// annotation on it is named in a note (each is also a GW420 of its own).
struct ClientAuthChecker {
    let index: ResourceIndex
    let report: StatusReport
    var diagnostics: [Diagnostic] = []

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
            guard !aiBackends.isEmpty else { continue }
            warned.insert(route.key)
            var notes = [DiagnosticNote("listener \"\(listener.name)\"", at: listener.location)]
            if authenticated.contains(route.key) || authenticated.contains(gateway.key) {
                notes.append(DiagnosticNote("an AgentgatewayPolicy authenticates clients here, but gwrun does not enforce it yet (GW420)"))
            }
            if gateway.meta.annotations[Self.exposureAnnotation] == "lan" {
                notes.append(DiagnosticNote("the Gateway is annotated \(Self.exposureAnnotation): lan, which gwrun does not enforce yet (GW420)"))
            }
            diagnostics.append(Diagnostic(
                .openAIRouteWithoutAuth,
                "HTTPRoute \(route.meta.namespace)/\(route.meta.name) sends traffic to an AI provider with the gateway's key, and gwrun authenticates no client on listener \"\(listener.name)\" (port \(listener.port)): anyone who reaches the port spends the key",
                at: route.meta.location, notes: notes,
                fix: "keep the port reachable only from trusted clients (a NetworkPolicy, a firewall) until gwrun enforces client authentication",
                object: route.key.description))
        }
    }
}
