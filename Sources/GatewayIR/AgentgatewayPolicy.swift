/// `agentgateway.dev/v1alpha1` AgentgatewayPolicy: what it targets and the settings gwc routes by.
public struct AgentgatewayPolicy: Sendable, Hashable {
    public struct TargetRef: Sendable, Hashable {
        public var group: String
        public var kind: String
        public var name: String
        public var sectionName: String?
        public var location: SourceLocation
        public init(group: String, kind: String, name: String, sectionName: String?, location: SourceLocation) {
            self.group = group
            self.kind = kind
            self.name = name
            self.sectionName = sectionName
            self.location = location
        }
    }

    public struct LocalRateLimit: Sendable, Hashable {
        public var requests: Int?
        public var tokens: Int?
        /// `Seconds`, `Minutes` or `Hours`.
        public var unit: String
        public var burst: Int?
        public init(requests: Int?, tokens: Int?, unit: String, burst: Int?) {
            self.requests = requests
            self.tokens = tokens
            self.unit = unit
            self.burst = burst
        }
    }

    public struct APIKeyAuthentication: Sendable, Hashable {
        public var mode: String
        public var secretName: String?
        public var secretSelector: [String: String]?
        public init(mode: String, secretName: String?, secretSelector: [String: String]?) {
            self.mode = mode
            self.secretName = secretName
            self.secretSelector = secretSelector
        }
    }

    public struct Retry: Sendable, Hashable {
        public var attempts: Int?
        public var codes: [Int]
        public var backoff: String?
        public init(attempts: Int?, codes: [Int], backoff: String?) {
            self.attempts = attempts
            self.codes = codes
            self.backoff = backoff
        }
    }

    public struct CORS: Sendable, Hashable {
        public var allowOrigins: [String]
        public var allowMethods: [String]
        public var allowHeaders: [String]
        public var exposeHeaders: [String]
        public var maxAge: Int?
        public var allowCredentials: Bool?
        public init(allowOrigins: [String], allowMethods: [String], allowHeaders: [String], exposeHeaders: [String], maxAge: Int?, allowCredentials: Bool?) {
            self.allowOrigins = allowOrigins
            self.allowMethods = allowMethods
            self.allowHeaders = allowHeaders
            self.exposeHeaders = exposeHeaders
            self.maxAge = maxAge
            self.allowCredentials = allowCredentials
        }
    }

    public struct Traffic: Sendable, Hashable {
        public var localRateLimits: [LocalRateLimit] = []
        public var apiKeyAuthentication: APIKeyAuthentication?
        public var jwtAuthentication: Bool = false
        public var basicAuthentication: Bool = false
        public var requestTimeout: String?
        public var retry: Retry?
        public var cors: CORS?
        public init() {}

        /// Whether the policy authenticates clients.
        public var authenticatesClients: Bool { apiKeyAuthentication != nil || jwtAuthentication || basicAuthentication }
    }

    public var meta: ObjectMeta
    public var targetRefs: [TargetRef]
    public var hasTargetSelectors: Bool
    public var traffic: Traffic?
    public var backend: BackendPolicies?

    public init(meta: ObjectMeta, targetRefs: [TargetRef], hasTargetSelectors: Bool, traffic: Traffic?, backend: BackendPolicies?) {
        self.meta = meta
        self.targetRefs = targetRefs
        self.hasTargetSelectors = hasTargetSelectors
        self.traffic = traffic
        self.backend = backend
    }

    public var key: ObjectKey { ObjectKey(group: APIGroup.agentgateway, kind: "AgentgatewayPolicy", namespace: meta.namespace, name: meta.name) }
}
