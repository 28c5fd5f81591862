import GatewayIR

/// Which TLS settings gwrun uses to reach a backend, decided once here for lint and build alike.
extension ResourceIndex {
    /// Where a backend's TLS settings come from, for messages.
    public struct UpstreamTLSSource: Sendable {
        public var tls: BackendTLS
        /// `AgentgatewayBackend ns/name policies.tls`, `AgentgatewayPolicy ns/name`, `BackendTLSPolicy ns/name`.
        public var origin: String
        /// A BackendTLSPolicy's `wellKnownCACertificates: System` (with CA refs too: both trusted).
        public var systemCAs: Bool
        public var namespace: String
    }

    /// The TLS to `key` (an AgentgatewayBackend or a Service): the backend's own `policies.tls`,
    /// else the first (by namespace and name) AgentgatewayPolicy whose `backend.tls` targets it,
    /// else, for a Service, the first BackendTLSPolicy targeting it. nil: plain HTTP (or, for an
    /// AI provider's own endpoint, TLS with the system's trust store).
    public func upstreamTLS(for key: ObjectKey) -> UpstreamTLSSource? { upstreamTLSCandidates(for: key).first }

    /// Every TLS setting that applies to `key`, the one used first (lint reports the others: GW421).
    public func upstreamTLSCandidates(for key: ObjectKey) -> [UpstreamTLSSource] {
        var found: [UpstreamTLSSource] = []
        if key.kind == "AgentgatewayBackend", let own = backends[key]?.policies.tls {
            found.append(UpstreamTLSSource(tls: own, origin: "\(key.description) policies.tls", systemCAs: own.caCertificateRefs.isEmpty, namespace: key.namespace))
        }
        let policies = resources.policies.filter { policy in
            policy.meta.namespace == key.namespace && policy.backend?.tls != nil
                && policy.targetRefs.contains { $0.kind == key.kind && $0.name == key.name }
        }.sorted { $0.key < $1.key }
        for policy in policies {
            guard let tls = policy.backend?.tls else { continue }
            found.append(UpstreamTLSSource(tls: tls, origin: "AgentgatewayPolicy \(policy.meta.namespace)/\(policy.meta.name)", systemCAs: tls.caCertificateRefs.isEmpty, namespace: key.namespace))
        }
        guard key.kind == "Service" else { return found }
        let tlsPolicies = resources.backendTLSPolicies.filter { policy in
            policy.meta.namespace == key.namespace && policy.targetRefs.contains { $0.group.isEmpty && $0.kind == "Service" && $0.name == key.name }
        }.sorted { $0.key < $1.key }
        for policy in tlsPolicies {
            found.append(UpstreamTLSSource(tls: policy.tls, origin: "\(BackendTLSPolicy.kind) \(policy.meta.namespace)/\(policy.meta.name)", systemCAs: policy.systemCAs, namespace: key.namespace))
        }
        return found
    }
}
