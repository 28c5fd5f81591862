/// `agentgateway.dev/v1alpha1` AgentgatewayPolicy: what it targets and the settings gwc routes by.
public struct AgentgatewayPolicy: Sendable, Hashable {
    public struct TargetRef: Sendable, Hashable {
        public var group: String
        public var kind: String
        public var name: String
        public var sectionName: String?
        /// A Gateway port a frontend policy is limited to.
        public var port: Int?
        public var location: SourceLocation
        public init(group: String, kind: String, name: String, sectionName: String?, port: Int? = nil, location: SourceLocation) {
            self.group = group
            self.kind = kind
            self.name = name
            self.sectionName = sectionName
            self.port = port
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

    /// Where a client credential is read from (`location`): a header with a prefix (default
    /// `Authorization` with `Bearer ` or `Basic `), a query parameter or a cookie. `expression`
    /// (CEL) is decoded as its own kind: gwrun cannot evaluate it, so such a policy finds no credential.
    public struct CredentialLocation: Sendable, Hashable {
        public enum Kind: UInt32, Sendable { case header = 0, queryParameter = 1, cookie = 2, expression = 3 }
        public var kind: Kind
        public var name: String
        public var prefix: String
        public init(kind: Kind, name: String, prefix: String) {
            self.kind = kind
            self.name = name
            self.prefix = prefix
        }
        public static let bearer = CredentialLocation(kind: .header, name: "authorization", prefix: "Bearer ")
        public static let basic = CredentialLocation(kind: .header, name: "authorization", prefix: "Basic ")
    }

    public struct APIKeyAuthentication: Sendable, Hashable {
        public var mode: String
        public var secretName: String?
        public var secretSelector: [String: String]?
        public var location: CredentialLocation
        public init(mode: String, secretName: String?, secretSelector: [String: String]?, location: CredentialLocation = .bearer) {
            self.mode = mode
            self.secretName = secretName
            self.secretSelector = secretSelector
            self.location = location
        }
    }

    public struct JWTAuthentication: Sendable, Hashable {
        public struct Provider: Sendable, Hashable {
            public var issuer: String?
            /// Any audience when empty.
            public var audiences: [String]
            /// An inline JSON Web Key Set (public keys).
            public var inlineJWKS: String?
            /// `jwks.remote`: where the key set is fetched (`url`, or a Service's `jwksPath`), and
            /// for how long a fetched set is used (`cacheDuration`, seconds).
            public var remoteURL: String?
            public var cacheSeconds: Int?
            public init(issuer: String?, audiences: [String], inlineJWKS: String?, remoteURL: String? = nil, cacheSeconds: Int? = nil) {
                self.issuer = issuer
                self.audiences = audiences
                self.inlineJWKS = inlineJWKS
                self.remoteURL = remoteURL
                self.cacheSeconds = cacheSeconds
            }
        }
        public var mode: String
        public var providers: [Provider]
        public var location: CredentialLocation
        public init(mode: String, providers: [Provider], location: CredentialLocation = .bearer) {
            self.mode = mode
            self.providers = providers
            self.location = location
        }
    }

    public struct BasicAuthentication: Sendable, Hashable {
        public var mode: String
        public var realm: String
        /// Inline htpasswd lines (`user:hash`): hashes, not passwords, as the manifest holds them.
        public var users: [String]
        public var secretName: String?
        /// The Secret's key holding the htpasswd file (default `.htaccess`).
        public var secretKey: String
        public var location: CredentialLocation
        public init(mode: String, realm: String, users: [String], secretName: String?, secretKey: String, location: CredentialLocation = .basic) {
            self.mode = mode
            self.realm = realm
            self.users = users
            self.secretName = secretName
            self.secretKey = secretKey
            self.location = location
        }
        public static let defaultSecretKey = ".htaccess"
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

    public struct DirectResponse: Sendable, Hashable {
        public var status: Int
        public var body: String?
        public var headers: [HeaderValue]
        public init(status: Int, body: String?, headers: [HeaderValue]) {
            self.status = status
            self.body = body
            self.headers = headers
        }
    }

    public struct Traffic: Sendable, Hashable {
        public var localRateLimits: [LocalRateLimit] = []
        public var apiKeyAuthentication: APIKeyAuthentication?
        public var jwtAuthentication: JWTAuthentication?
        public var basicAuthentication: BasicAuthentication?
        public var requestTimeout: String?
        public var retry: Retry?
        /// `headerModifiers.request` and `.response`.
        public var requestHeaders: HeaderModifier?
        public var responseHeaders: HeaderModifier?
        public var directResponse: DirectResponse?
        /// `hostRewrite.mode`: `Auto` or `None`.
        public var hostRewrite: String?
        public var cors: CORS?
        public init() {}

        /// Whether the policy authenticates clients.
        public var authenticatesClients: Bool { apiKeyAuthentication != nil || jwtAuthentication != nil || basicAuthentication != nil }
    }

    public var meta: ObjectMeta
    public var targetRefs: [TargetRef]
    public var hasTargetSelectors: Bool
    public var traffic: Traffic?
    public var backend: BackendPolicies?
    public var frontend: FrontendPolicy?

    public init(meta: ObjectMeta, targetRefs: [TargetRef], hasTargetSelectors: Bool, traffic: Traffic?, backend: BackendPolicies?, frontend: FrontendPolicy? = nil) {
        self.meta = meta
        self.targetRefs = targetRefs
        self.hasTargetSelectors = hasTargetSelectors
        self.traffic = traffic
        self.backend = backend
        self.frontend = frontend
    }

    public var key: ObjectKey { ObjectKey(group: APIGroup.agentgateway, kind: "AgentgatewayPolicy", namespace: meta.namespace, name: meta.name) }
}
