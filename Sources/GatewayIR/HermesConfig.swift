/// A Hermes Agent `config.yaml`, as far as it decides where Hermes sends LLM traffic.
public struct HermesConfig: Sendable, Hashable {
    /// The file, which names the client in reports.
    public var file: String
    public var location: SourceLocation
    public var model: HermesModel?
    /// `providers:` entries and legacy `custom_providers:` items, in file order.
    public var providers: [HermesProvider]
    /// Other callers that carry their own endpoint: `delegation`, `auxiliary.<task>`, `fallback_providers[i]`.
    public var endpoints: [HermesEndpoint]
    /// What Hermes listens on and the MCP servers it calls.
    public var listeners = HermesListeners()

    public init(file: String, location: SourceLocation, model: HermesModel?, providers: [HermesProvider], endpoints: [HermesEndpoint]) {
        self.file = file
        self.location = location
        self.model = model
        self.providers = providers
        self.endpoints = endpoints
    }
}

/// The `model:` block (or a bare model string).
public struct HermesModel: Sendable, Hashable {
    public var defaultModel: String?
    public var provider: String?
    public var baseURL: HermesString?
    public var apiKey: HermesString?
    public var apiMode: HermesString?
    public var location: SourceLocation
    public var providerLocation: SourceLocation?

    public init(defaultModel: String?, provider: String?, baseURL: HermesString?, apiKey: HermesString?, apiMode: HermesString?, location: SourceLocation, providerLocation: SourceLocation?) {
        self.defaultModel = defaultModel
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiMode = apiMode
        self.location = location
        self.providerLocation = providerLocation
    }
}

/// A string value from the Hermes config with where it was written.
public struct HermesString: Sendable, Hashable {
    public var value: String
    public var location: SourceLocation
    public init(value: String, location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

public struct HermesProvider: Sendable, Hashable {
    public var name: String
    /// True for items of the legacy `custom_providers:` list.
    public var legacy: Bool
    public var baseURL: HermesString?
    public var apiKey: HermesString?
    public var keyEnv: HermesString?
    public var apiMode: HermesString?
    public var models: [String]
    public var extraHeaders: [String: String]
    public var location: SourceLocation

    public init(name: String, legacy: Bool, baseURL: HermesString?, apiKey: HermesString?, keyEnv: HermesString?, apiMode: HermesString?, models: [String], extraHeaders: [String: String], location: SourceLocation) {
        self.name = name
        self.legacy = legacy
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.keyEnv = keyEnv
        self.apiMode = apiMode
        self.models = models
        self.extraHeaders = extraHeaders
        self.location = location
    }
}

/// A secondary caller (`delegation`, `auxiliary.vision`, `fallback_providers[0]`, ...).
public struct HermesEndpoint: Sendable, Hashable {
    public var role: String
    public var provider: String?
    public var model: String?
    public var baseURL: HermesString?
    public var apiKey: HermesString?
    public var apiMode: HermesString?
    public var location: SourceLocation

    public init(role: String, provider: String?, model: String?, baseURL: HermesString?, apiKey: HermesString?, apiMode: HermesString?, location: SourceLocation) {
        self.role = role
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiMode = apiMode
        self.location = location
    }
}
