/// Word positions inside each section's records. docs/table-format.md is the reference.
public enum Field {
    public enum Gateway { public static let namespace = 0, name = 1, firstListener = 2, listenerCount = 3, flags = 4, firstFrontendRef = 5, frontendRefCount = 6 }
    public enum Listener {
        public static let gateway = 0, name = 1, `protocol` = 2, port = 3, hostname = 4, firstHost = 5
        public static let exactHostCount = 6, wildcardHostCount = 7, anyHostCount = 8
        /// `ListenerTLSMode`, and the certificate Secrets: (tls.crt, tls.key) reference pairs.
        public static let tlsMode = 9, firstCertificateRef = 10, certificateRefCount = 11
    }
    public enum Host {
        public static let hostname = 0, firstExactPath = 1, exactPathCount = 2, firstPrefixPath = 3, prefixPathCount = 4
        public static let firstOtherMatch = 5, otherMatchCount = 6, reserved = 7
    }
    public enum PathEntry { public static let path = 0, firstMatch = 1, matchCount = 2 }
    public enum Match {
        public static let rule = 0, matchIndex = 1, pathType = 2, path = 3, method = 4, firstValueMatch = 5
        public static let headerCount = 6, queryCount = 7, sourceLine = 8
    }
    public enum ValueMatch { public static let type = 0, name = 1, value = 2 }
    public enum Rule {
        public static let route = 0, ruleIndex = 1, firstBackendRef = 2, backendRefCount = 3, firstFilter = 4, filterCount = 5
        public static let requestTimeoutMs = 6, backendTimeoutMs = 7, firstPolicyRef = 8, policyRefCount = 9, sourceLine = 10, flags = 11
    }
    public enum Route { public static let namespace = 0, name = 1, sourceFile = 2, sourceLine = 3, firstRule = 4, ruleCount = 5 }
    public enum BackendRef { public static let backend = 0, weight = 1, port = 2, problem = 3, group = 4, kind = 5, namespace = 6, name = 7, firstFilter = 8, filterCount = 9 }
    public enum Backend {
        public static let kind = 0, namespace = 1, name = 2, host = 3, port = 4, firstProvider = 5, providerCount = 6
        public static let firstRouteType = 7, routeTypeCount = 8, requestTimeoutMs = 9
        /// Upstream TLS record, or none: plain HTTP.
        public static let tls = 10
        /// `ai.modelAliases` as string-list pairs (alias, model), sorted by alias.
        public static let firstAlias = 11, aliasCount = 12
        /// `ai.defaults`, `ai.overrides`, `ai.prompt` as string-list triples (kind, key, value).
        public static let firstEdit = 13, editCount = 14
        /// `ai.promptCaching`: `PromptCachingFlags` (0: none), the minimum tokens, the message offset.
        public static let promptCaching = 15, cacheMinTokens = 16, cacheMessageOffset = 17
    }
    /// An AI provider: where gwc resolved its API to (the kind's default host and path prefix, or
    /// the overrides), whether it is reached over TLS, the query its operations carry (Azure's
    /// `api-version`), the operations it serves natively (`ProviderFormats`) and the header its
    /// credential goes in (`CredentialHeader`).
    public enum Provider {
        public static let kind = 0, model = 1, host = 2, port = 3, path = 4, pathPrefix = 5, auth = 6, authMode = 7, group = 8, name = 9
        public static let tls = 10, query = 11, formats = 12, credentialHeader = 13
        /// SigV4's region and service (credential header `awsSigV4` only; else none).
        public static let signingRegion = 14, signingService = 15
    }
    public enum RouteType { public static let suffix = 0, type = 1 }
    /// A filter record: its type, then fields whose meaning depends on it (the enums below).
    public enum Filter {
        public static let type = 0
        /// RequestHeaderModifier and ResponseHeaderModifier: a range of header operations.
        public enum HeaderModifier { public static let firstOp = 1, opCount = 2 }
        /// RequestRedirect; `pathModifier` is a `PathModifierKind`, `path` its value.
        public enum Redirect { public static let scheme = 1, hostname = 2, port = 3, pathModifier = 4, path = 5, statusCode = 6 }
        public enum URLRewrite { public static let hostname = 1, pathModifier = 4, path = 5 }
        /// RequestMirror: the backend and port, and the share mirrored (numerator over denominator).
        public enum Mirror { public static let backend = 1, port = 2, numerator = 3, denominator = 4 }
        /// CORS and ExtensionRef filters: the name shown for them.
        public enum Named { public static let name = 1 }
    }
    public enum HeaderOp { public static let op = 0, name = 1, value = 2 }
    /// A policy record: its kind and name, then fields whose meaning depends on the kind.
    public enum Policy {
        public static let kind = 0, name = 1
        public enum RateLimit { public static let requests = 2, tokens = 3, unitSeconds = 4, burst = 5 }
        /// API key and basic authentication: a range of secret references, where the credential
        /// is read (`CredentialLocationKind`, a name, a prefix); basic auth adds its realm and
        /// inline htpasswd lines (string list).
        public enum APIKey { public static let mode = 2, firstSecretRef = 3, secretRefCount = 4, locationKind = 5, locationName = 6, locationPrefix = 7 }
        /// `headerModifiers`: 0 request, 1 response, and a range of header operations.
        public enum HeaderModifier { public static let direction = 2, firstOp = 3, opCount = 4 }
        /// `directResponse`: the status, the body or none, a range of header operations (all `set`).
        public enum DirectResponse { public static let status = 2, body = 3, firstOp = 4, opCount = 5 }
        /// `hostRewrite.mode`: 0 None, 1 Auto.
        public enum HostRewrite { public static let mode = 2 }
        /// JWT authentication: one record per provider of the policy (a token any of them issued passes).
        public enum JWT {
            public static let mode = 2, issuer = 3, jwks = 4, locationKind = 5, locationName = 6, locationPrefix = 7, firstAudience = 8, audienceCount = 9
            /// `jwks.remote`: the URL the key set is fetched from (or none), and for how long a fetched set is used.
            public static let remoteURL = 10, cacheSeconds = 11
        }
        public enum BasicAuth {
            public static let mode = 2, firstSecretRef = 3, secretRefCount = 4, locationKind = 5, locationName = 6, locationPrefix = 7
            public static let realm = 8, firstUser = 9, userCount = 10
        }
        public enum Timeout { public static let milliseconds = 2 }
        public enum Retry { public static let attempts = 2, backoffMilliseconds = 3, firstCode = 4, codeCount = 5 }
        public enum CORS {
            public static let firstOrigin = 2, originCount = 3, firstMethod = 4, methodCount = 5, maxAge = 6, allowCredentials = 7
            public static let firstAllowHeader = 8, allowHeaderCount = 9, firstExposeHeader = 10, exposeHeaderCount = 11
        }
        /// `frontend.tls`: versions as 12 or 13 (0: unset), string lists, the handshake timeout or none.
        public enum FrontendTLS {
            public static let minVersion = 2, maxVersion = 3, firstCipher = 4, cipherCount = 5, handshakeMs = 6
            public static let firstALPN = 7, alpnCount = 8, firstGroup = 9, groupCount = 10
        }
        /// `frontend.networkAuthorization`: the `NetworkAction`, and a postfix program of source ops.
        public enum NetworkRule { public static let action = 2, firstOp = 3, opCount = 4 }
        /// `frontend.proxyProtocol`: 0 Strict, 1 Optional; the versions accepted (bit 0 V1, bit 1 V2).
        public enum ProxyProtocol { public static let mode = 2, versions = 3 }
        /// `frontend.tracing`: the collector's traces URL; random and client sampling in millionths (or none: the CRD's default).
        public enum Tracing { public static let endpoint = 2, randomSampling = 3, clientSampling = 4 }
        /// gwc's Budget: one record per limit. The window (0 Day, 1 Week, 2 Month), what is counted
        /// (0 tokens, 1 cost), the limit as a decimal string (tokens, or millionths of the prices' currency:
        /// it may pass 2^32), the IANA time zone, and the prices: string-list triples of model,
        /// input and output millionths per million tokens.
        public enum Budget { public static let window = 2, measure = 3, limit = 4, timeZone = 5, firstPrice = 6, priceCount = 7 }
        public enum PromptGuard {
            public static let direction = 2, action = 3, firstPattern = 4, patternCount = 5, firstBuiltin = 6, builtinCount = 7
            public static let rejectStatus = 8, rejectMessage = 9
        }
    }
    public enum HermesClient {
        public static let configFile = 0, role = 1, url = 2, mode = 3, model = 4, gateway = 5, port = 6, host = 7, path = 8, status = 9
    }
    /// Which policy applies to a rule, at which level of attachment, on which listener (none: all).
    public enum PolicyRef { public static let policy = 0, level = 1, listener = 2 }
    public enum SecretRef { public static let namespace = 0, name = 1, key = 2 }
    /// One step of a source-address program: a `SourceOpKind` and, for a CIDR test, the network text.
    public enum SourceOp { public static let op = 0, operand = 1 }
    public enum UpstreamTLS {
        public static let verification = 0, sni = 1, firstName = 2, nameCount = 3, firstCA = 4, caCount = 5
        public static let caSecret = 6, clientCertificate = 7, clientKey = 8
    }
}

/// Enumerations stored as numbers in records.
public enum PathMatchKind: UInt32, Sendable { case exact = 0, prefix = 1, regex = 2 }
public enum ValueMatchKind: UInt32, Sendable { case exact = 0, regex = 1 }
public enum BackendKind: UInt32, Sendable { case service = 1, `static` = 2, ai = 3, other = 4 }
public enum AuthMode: UInt32, Sendable { case none = 0, secretRef = 1, passthrough = 2, inline = 3, other = 4 }
public enum FilterKind: UInt32, Sendable {
    case requestHeaderModifier = 0, responseHeaderModifier = 1, requestRedirect = 2, urlRewrite = 3, requestMirror = 4, cors = 5, extensionRef = 6
}
public enum HeaderOpKind: UInt32, Sendable { case set = 0, add = 1, remove = 2 }
/// Where a provider expects its credential: `Authorization: Bearer` (OpenAI and most others),
/// `x-api-key` with `anthropic-version` (Anthropic), `api-key` (Azure OpenAI's keys).
public enum CredentialHeader: UInt32, Sendable {
    case bearer = 0, anthropic = 1, azureKey = 2
    /// No header of its own: the request is signed with AWS SigV4 from a whole Secret's
    /// `accessKey`, `secretKey` and `sessionToken` (the provider's signing region and service).
    case awsSigV4 = 3
}
/// `ai.promptCaching` in a backend record: set, and which cache points it asks for.
public struct PromptCachingFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let enabled = PromptCachingFlags(rawValue: 1)
    public static let system = PromptCachingFlags(rawValue: 2)
    public static let messages = PromptCachingFlags(rawValue: 4)
    public static let tools = PromptCachingFlags(rawValue: 8)
    public static let all: PromptCachingFlags = [.enabled, .system, .messages, .tools]
}
/// The operations a provider serves natively, as bits: the others are translated or refused.
public struct ProviderFormats: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let completions = ProviderFormats(rawValue: 1)
    public static let responses = ProviderFormats(rawValue: 2)
    public static let embeddings = ProviderFormats(rawValue: 4)
    public static let messages = ProviderFormats(rawValue: 8)
    public static let anthropicTokenCount = ProviderFormats(rawValue: 16)
    /// Bedrock's Converse and ConverseStream (`/model/{model}/converse`, `/converse-stream`).
    public static let converse = ProviderFormats(rawValue: 32)
    /// Vertex AI's Anthropic models: Messages through `publishers/anthropic/models/{model}:rawPredict`
    /// (`:streamRawPredict`), for a request whose model is a `claude` one.
    public static let vertexAnthropic = ProviderFormats(rawValue: 64)
    /// Gemini's native API: `models/{model}:generateContent`, `:streamGenerateContent`, `:countTokens`.
    public static let generateContent = ProviderFormats(rawValue: 128)
    public static let all: ProviderFormats = [.completions, .responses, .embeddings, .messages, .anthropicTokenCount, .converse, .vertexAnthropic, .generateContent]

    /// From route-type names (`Completions`, `Messages`, ...); unknown names add nothing.
    public init(routeTypes: some Sequence<String>) {
        let names: [String: ProviderFormats] = [
            "Completions": .completions, "Responses": .responses, "Embeddings": .embeddings, "Messages": .messages, "AnthropicTokenCount": .anthropicTokenCount,
        ]
        self = routeTypes.reduce(into: []) { $0.formUnion(names[$1] ?? []) }
    }
}
public enum PathModifierKind: UInt32, Sendable { case none = 0, replaceFullPath = 1, replacePrefixMatch = 2 }
public enum PolicyKind: UInt32, Sendable {
    case localRateLimit = 1, apiKeyAuthentication = 2, timeout = 3, retry = 4, cors = 5, promptGuard = 6, jwtAuthentication = 7, basicAuthentication = 8
    case headerModifier = 9, directResponse = 10, hostRewrite = 11
    /// Frontend policies: attached to Gateways (gateway records), never to rules.
    case frontendTLS = 12, networkRule = 13, proxyProtocol = 14, tracing = 15
    /// gwc's own Budget kind (format version 5).
    case budget = 16
}
public enum ListenerTLSMode: UInt32, Sendable { case none = 0, terminate = 1, passthrough = 2 }
/// What gwrun checks of an upstream's certificate: the chain and a name, the chain only, nothing;
/// `refuse`: gwc could not read the CAs the settings name (built with --allow-errors), so no
/// connection is made.
public enum UpstreamVerification: UInt32, Sendable { case full = 0, chainOnly = 1, none = 2, refuse = 3 }
public enum NetworkAction: UInt32, Sendable {
    case allow = 0, deny = 1, require = 2
    /// The CRD's `action` (`Allow` by default).
    public init(crdAction: String) { self = crdAction == "Deny" ? .deny : crdAction == "Require" ? .require : .allow }
}
/// Postfix: a CIDR test or a constant pushes a value; `not` replaces the top; `and`/`or` combine the top two.
public enum SourceOpKind: UInt32, Sendable { case cidr = 0, not = 1, and = 2, or = 3, `true` = 4, `false` = 5 }
/// Where a policy is attached, least specific first: for each field the most specific wins.
public enum PolicyLevel: UInt32, Sendable, Comparable, CaseIterable {
    case gateway = 0, listener = 1, route = 2, rule = 3, backend = 4, backendOwn = 5, routeFilter = 6
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var name: String {
        switch self {
        case .gateway: "Gateway"
        case .listener: "listener"
        case .route: "HTTPRoute"
        case .rule: "rule"
        case .backend: "backend"
        case .backendOwn: "AgentgatewayBackend's own policies"
        case .routeFilter: "rule's CORS filter"
        }
    }
}
/// `location` of a client credential.
public enum CredentialLocationKind: UInt32, Sendable { case header = 0, queryParameter = 1, cookie = 2, expression = 3 }
/// Gateway flag bits.
public enum GatewayFlags {
    /// `gwc.dev/exposure: lan`: connections only from loopback, private and link-local addresses.
    public static let lanOnly: UInt32 = 1
}
/// Rule flag bits.
public enum RuleFlags {
    public static let invalid: UInt32 = 1
    /// The route's `gwc.dev/audit-content: "true"`: audit records of its AI requests carry the prompt and the answer's text.
    public static let auditContent: UInt32 = 2
    /// The annotation that sets `auditContent`.
    public static let auditContentAnnotation = "gwc.dev/audit-content"
}
