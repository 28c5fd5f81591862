/// `agentgateway.dev/v1alpha1` AgentgatewayBackend.
public struct AgentgatewayBackend: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case ai(AIBackend)
        case `static`(host: String?, port: Int?, unixPath: String?)
        /// `mcp`, `a2a`, `aws` or `dynamicForwardProxy`: accepted, not routed by gwc yet.
        case other(String)
        /// None or several of the exclusive fields were set; a diagnostic says which.
        case invalid
    }

    public var meta: ObjectMeta
    public var kind: Kind
    public var policies: BackendPolicies

    public init(meta: ObjectMeta, kind: Kind, policies: BackendPolicies) {
        self.meta = meta
        self.kind = kind
        self.policies = policies
    }

    public var key: ObjectKey { ObjectKey(group: APIGroup.agentgateway, kind: "AgentgatewayBackend", namespace: meta.namespace, name: meta.name) }
}

public struct AIBackend: Sendable, Hashable {
    /// Set when `ai.provider` is used.
    public var provider: LLMProvider?
    /// Priority groups of named providers (`ai.groups`), earliest first.
    public var groups: [[LLMProvider]]
    public init(provider: LLMProvider?, groups: [[LLMProvider]]) {
        self.provider = provider
        self.groups = groups
    }

    /// Every provider of the backend, in priority order.
    public var allProviders: [LLMProvider] { (provider.map { [$0] } ?? []) + groups.flatMap { $0 } }
}

/// One LLM provider, with its overrides. `name` is set for group members.
public struct LLMProvider: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case openai, azureopenai, azure, anthropic, gemini, vertexai, bedrock, custom
    }
    public var name: String?
    public var kind: Kind
    /// Model override: when set, it replaces the model of every request.
    public var model: String?
    public var host: String?
    public var port: Int?
    public var path: String?
    public var pathPrefix: String?
    /// Request formats a `custom` provider accepts (`Completions`, `Messages`, ...).
    public var formats: [String]
    /// The kind's own fields (`azureopenai.endpoint`, `vertexai.projectId`, ...).
    public var settings: Settings
    public var policies: BackendPolicies?
    public var location: SourceLocation

    /// The fields of `azureopenai`, `azure`, `vertexai` and `bedrock` that say where its API is
    /// (`region` is Vertex AI's and Bedrock's).
    public struct Settings: Sendable, Hashable {
        public var endpoint: String?
        public var deploymentName: String?
        public var apiVersion: String?
        public var resourceName: String?
        /// `OpenAI` or `Foundry`.
        public var resourceType: String?
        public var projectName: String?
        public var projectId: String?
        public var region: String?
        public init(
            endpoint: String? = nil, deploymentName: String? = nil, apiVersion: String? = nil, resourceName: String? = nil, resourceType: String? = nil,
            projectName: String? = nil, projectId: String? = nil, region: String? = nil
        ) {
            self.endpoint = endpoint
            self.deploymentName = deploymentName
            self.apiVersion = apiVersion
            self.resourceName = resourceName
            self.resourceType = resourceType
            self.projectName = projectName
            self.projectId = projectId
            self.region = region
        }
    }

    public init(
        name: String? = nil, kind: Kind, model: String?, host: String? = nil, port: Int? = nil, path: String? = nil,
        pathPrefix: String? = nil, formats: [String] = [], settings: Settings = Settings(), policies: BackendPolicies? = nil, location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.model = model
        self.host = host
        self.port = port
        self.path = path
        self.pathPrefix = pathPrefix
        self.formats = formats
        self.settings = settings
        self.policies = policies
        self.location = location
    }

    /// The request formats the provider speaks natively: OpenAI's Chat Completions, Responses
    /// and embeddings where its API has them, Anthropic's Messages.
    public var nativeFormats: Set<String> {
        switch kind {
        case .anthropic: return ["Messages", "AnthropicTokenCount"]
        case .custom: return formats.isEmpty ? ["Completions"] : Set(formats)
        case .gemini: return ["Completions", "Embeddings", "GenerateContent", "GeminiCountTokens"]
        case .vertexai: return ["Completions"]
        case .azureopenai, .azure:
            // The v1 API has /responses; a dated api-version's deployment paths do not.
            return (settings.apiVersion ?? "v1") == "v1" ? ["Completions", "Responses", "Embeddings"] : ["Completions", "Embeddings"]
        case .openai: return ["Completions", "Responses", "Embeddings"]
        // Converse, which gwrun translates Completions, Messages and Responses to.
        case .bedrock: return ["Converse"]
        }
    }
}

/// `spec.policies` of a backend and `spec.backend` of an AgentgatewayPolicy.
public struct BackendPolicies: Sendable, Hashable {
    public var auth: BackendAuth?
    /// `policies.ai.routes`: path suffix to route type, in the order written.
    public var aiRoutes: [AIRoute]
    public var promptGuard: PromptGuard?
    public var requestTimeout: String?
    /// `policies.tls`: TLS to the backend (to every provider of an AI backend).
    public var tls: BackendTLS?
    /// `policies.ai.modelAliases`: a requested model name to the provider's, by alias.
    public var modelAliases: [String: String] = [:]
    /// `policies.ai.defaults`, `overrides` and `prompt`, in that order.
    public var requestEdits: [RequestEdit] = []
    /// `policies.ai.promptCaching` (Bedrock's cache points).
    public var promptCaching: PromptCaching?

    public init(auth: BackendAuth? = nil, aiRoutes: [AIRoute] = [], promptGuard: PromptGuard? = nil, requestTimeout: String? = nil, tls: BackendTLS? = nil) {
        self.tls = tls
        self.auth = auth
        self.aiRoutes = aiRoutes
        self.promptGuard = promptGuard
        self.requestTimeout = requestTimeout
    }
}

public struct AIRoute: Sendable, Hashable {
    public var pathSuffix: String
    public var routeType: String
    public init(pathSuffix: String, routeType: String) {
        self.pathSuffix = pathSuffix
        self.routeType = routeType
    }
}

public struct BackendAuth: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A Secret key; `key` nil means the default `Authorization`.
        case secretRef(name: String, key: String?)
        case inline(SecretValue)
        case passthrough
        /// `aws.secretRef`: AWS credentials (`accessKey`, `secretKey`, optional `sessionToken`)
        /// gwrun signs each request with (SigV4), with `aws.region` and `aws.serviceName` when set.
        case aws(secretName: String, region: String?, service: String?)
        /// Cloud identities (`aws` without a Secret, `azure`, `gcp`, ...) that gwc does not resolve.
        case other(String)
    }
    public var source: Source
    public var location: SourceLocation
    public init(source: Source, location: SourceLocation) {
        self.source = source
        self.location = location
    }

    /// The Secret data key read for `secretRef` when none is named.
    public static let defaultSecretKey = "Authorization"
}

public struct PromptGuard: Sendable, Hashable {
    public struct RegexRule: Sendable, Hashable {
        public var matches: [String]
        public var builtins: [String]
        /// `Mask` (the default) or `Reject`.
        public var action: String
        public var rejectStatus: Int?
        public var rejectMessage: String?
        public var location: SourceLocation
        public init(matches: [String], builtins: [String], action: String, rejectStatus: Int?, rejectMessage: String?, location: SourceLocation = .unknown) {
            self.location = location
            self.matches = matches
            self.builtins = builtins
            self.action = action
            self.rejectStatus = rejectStatus
            self.rejectMessage = rejectMessage
        }
    }
    public var request: [RegexRule]
    public var response: [RegexRule]
    public init(request: [RegexRule], response: [RegexRule]) {
        self.request = request
        self.response = response
    }
}
