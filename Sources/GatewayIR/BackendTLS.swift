/// TLS that gwrun originates to a backend: an AgentgatewayBackend's (or an AgentgatewayPolicy's
/// `backend`) `policies.tls`, or a Gateway API BackendTLSPolicy. docs/upstream-tls.md says how
/// each field is used.
public struct BackendTLS: Sendable, Hashable {
    /// `insecureSkipVerify`: what of the server's certificate is not checked.
    public enum SkipVerify: String, Sendable, Hashable {
        /// The chain is checked against the trusted CAs, the names are not.
        case hostname = "Hostname"
        /// Nothing is checked.
        case all = "All"
    }

    /// A ConfigMap or Secret whose `ca.crt` holds PEM CA certificates.
    public struct CARef: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case configMap = "ConfigMap", secret = "Secret" }
        public var kind: Kind
        public var name: String
        public var location: SourceLocation
        public init(kind: Kind, name: String, location: SourceLocation) {
            self.kind = kind
            self.name = name
            self.location = location
        }
    }

    /// The SNI sent (nil: the destination host, when it is a name).
    public var sni: String?
    /// Trusted CAs; empty: the system's trust store.
    public var caCertificateRefs: [CARef]
    public var skipVerify: SkipVerify?
    /// Where `insecureSkipVerify` is written.
    public var skipVerifyLocation: SourceLocation?
    /// Names the certificate must hold one of (empty: the destination host, or the SNI when set by
    /// a BackendTLSPolicy's `hostname`).
    public var subjectAltNames: [String]
    /// A Secret with `tls.crt` and `tls.key`: the client certificate for mutual TLS.
    public var clientCertificateSecret: String?
    public var location: SourceLocation

    public init(
        sni: String? = nil, caCertificateRefs: [CARef] = [], skipVerify: SkipVerify? = nil, subjectAltNames: [String] = [],
        clientCertificateSecret: String? = nil, location: SourceLocation
    ) {
        self.sni = sni
        self.caCertificateRefs = caCertificateRefs
        self.skipVerify = skipVerify
        self.subjectAltNames = subjectAltNames
        self.clientCertificateSecret = clientCertificateSecret
        self.location = location
    }

    /// The key of a ConfigMap or Secret that holds CA certificates.
    public static let caKey = "ca.crt"
}

/// `gateway.networking.k8s.io/v1` BackendTLSPolicy: TLS to the Services it targets.
public struct BackendTLSPolicy: Sendable, Hashable {
    public var meta: ObjectMeta
    /// Services (`sectionName`: a port name).
    public var targetRefs: [AgentgatewayPolicy.TargetRef]
    /// `validation` as gwrun uses it: `hostname` is the SNI and, without `subjectAltNames`, the
    /// name checked.
    public var tls: BackendTLS
    /// `wellKnownCACertificates: System`.
    public var systemCAs: Bool

    public init(meta: ObjectMeta, targetRefs: [AgentgatewayPolicy.TargetRef], tls: BackendTLS, systemCAs: Bool) {
        self.meta = meta
        self.targetRefs = targetRefs
        self.tls = tls
        self.systemCAs = systemCAs
    }

    public static let kind = "BackendTLSPolicy"
    public var key: ObjectKey { ObjectKey(group: APIGroup.gateway, kind: Self.kind, namespace: meta.namespace, name: meta.name) }
}

/// Core v1 ConfigMap: its `data` (CA bundles for backend TLS).
public struct ConfigMap: Sendable, Hashable {
    public var meta: ObjectMeta
    public var data: [String: String]
    public var keyLocations: [String: SourceLocation]
    public init(meta: ObjectMeta, data: [String: String], keyLocations: [String: SourceLocation]) {
        self.meta = meta
        self.data = data
        self.keyLocations = keyLocations
    }
}
