/// An AgentgatewayPolicy's `frontend`: how a Gateway's ports accept connections. It targets a
/// Gateway (all its ports) or one `port` of it, never a listener.
public struct FrontendPolicy: Sendable, Hashable {
    /// `frontend.tls`: the TLS handshake of every HTTPS listener on the port.
    public struct TLS: Sendable, Hashable {
        /// `1.2` or `1.3`.
        public var minProtocolVersion: String?
        public var maxProtocolVersion: String?
        public var cipherSuites: [String]
        public var handshakeTimeout: String?
        public var alpnProtocols: [String]
        public var keyExchangeGroups: [String]
        public var location: SourceLocation
        public init(minProtocolVersion: String? = nil, maxProtocolVersion: String? = nil, cipherSuites: [String] = [], handshakeTimeout: String? = nil,
                    alpnProtocols: [String] = [], keyExchangeGroups: [String] = [], location: SourceLocation = .unknown) {
            self.minProtocolVersion = minProtocolVersion
            self.maxProtocolVersion = maxProtocolVersion
            self.cipherSuites = cipherSuites
            self.handshakeTimeout = handshakeTimeout
            self.alpnProtocols = alpnProtocols
            self.keyExchangeGroups = keyExchangeGroups
            self.location = location
        }
    }

    /// `frontend.networkAuthorization`: one rule on the client's address, decided at accept time.
    public struct NetworkRule: Sendable, Hashable {
        /// `Allow` (the default), `Deny` or `Require`.
        public var action: String
        /// Every `matchExpressions` entry, compiled; the rule matches when all are true. Nil
        /// entries did not compile (gwc reported them, and builds no table).
        public var expressions: [SourceExpression]
        public var location: SourceLocation
        public init(action: String, expressions: [SourceExpression], location: SourceLocation) {
            self.action = action
            self.expressions = expressions
            self.location = location
        }
    }

    /// `frontend.proxyProtocol`.
    public struct ProxyProtocol: Sendable, Hashable {
        /// `Strict` (the default) or `Optional`.
        public var mode: String
        /// `V1`, `V2` (the default) or `All`.
        public var version: String
        public init(mode: String, version: String) {
            self.mode = mode
            self.version = version
        }
    }

    /// `frontend.tracing`, as gwrun uses it: where OTLP/HTTP spans go and how requests are sampled.
    /// Nil when the policy's tracing is one gwrun cannot follow (OTLP/gRPC, a backendRef it cannot
    /// resolve): lint says so (GW420) and no spans are sent for it.
    public struct Tracing: Sendable, Hashable {
        /// The collector's traces URL (`http://collector:4318/v1/traces`).
        public var endpoint: String
        /// `randomSampling` and `clientSampling` as ratios; nil: the CRD's default (0 and 1).
        public var randomSampling: Double?
        public var clientSampling: Double?
        public init(endpoint: String, randomSampling: Double?, clientSampling: Double?) {
            self.endpoint = endpoint
            self.randomSampling = randomSampling
            self.clientSampling = clientSampling
        }
    }

    public var tls: TLS?
    public var networkAuthorization: NetworkRule?
    public var proxyProtocol: ProxyProtocol?
    public var tracing: Tracing?
    public init(tls: TLS? = nil, networkAuthorization: NetworkRule? = nil, proxyProtocol: ProxyProtocol? = nil, tracing: Tracing? = nil) {
        self.tls = tls
        self.networkAuthorization = networkAuthorization
        self.proxyProtocol = proxyProtocol
        self.tracing = tracing
    }
}

/// The part of CEL gwc compiles for `networkAuthorization`: CIDR tests on the client address
/// (`cidr('10.0.0.0/8').containsIP(source.address)`), `true`/`false`, `!`, `&&`, `||`, parentheses.
public indirect enum SourceExpression: Sendable, Hashable {
    case cidr(CIDRBlock)
    case constant(Bool)
    case not(SourceExpression)
    case and(SourceExpression, SourceExpression)
    case or(SourceExpression, SourceExpression)

    public func evaluate(_ address: [UInt8]) -> Bool {
        switch self {
        case .cidr(let block): block.contains(address)
        case .constant(let value): value
        case .not(let inner): !inner.evaluate(address)
        case .and(let a, let b): a.evaluate(address) && b.evaluate(address)
        case .or(let a, let b): a.evaluate(address) || b.evaluate(address)
        }
    }
}
