/// What a Hermes config opens to the network or calls out to, besides LLM providers: its API
/// server, its webhook listener, the top-level `api_server:` block Hermes half-reads, and the MCP
/// servers it connects to (#13; `../shared/reference/hermes/NOTES.md`, "Listeners and bind addresses").
public struct HermesListeners: Sendable, Hashable {
    public struct Listener: Sendable, Hashable {
        /// `platforms.<name>.enabled`.
        public var enabled: Bool
        /// `extra.host`; nil when unset (the API server then binds 127.0.0.1, the webhook every interface).
        public var host: HermesString?
        public var port: HermesString?
        /// `extra.key` (API server) or `extra.secret` (webhook).
        public var credential: HermesString?
        public var location: SourceLocation
        public init(enabled: Bool, host: HermesString?, port: HermesString?, credential: HermesString?, location: SourceLocation) {
            self.enabled = enabled
            self.host = host
            self.port = port
            self.credential = credential
            self.location = location
        }
    }

    public var apiServer: Listener?
    public var webhook: Listener?
    /// A top-level `api_server:` block: Hermes honours its `enabled` and ignores `host`, `port` and `key`.
    public var topLevelAPIServer: [String: SourceLocation] = [:]
    /// `mcp_servers.<name>.url`.
    public var mcpServers: [(name: String, url: HermesString)] = []

    public init() {}

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.apiServer == rhs.apiServer && lhs.webhook == rhs.webhook && lhs.topLevelAPIServer == rhs.topLevelAPIServer
            && lhs.mcpServers.map(\.name) == rhs.mcpServers.map(\.name) && lhs.mcpServers.map(\.url) == rhs.mcpServers.map(\.url)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(apiServer)
        hasher.combine(webhook)
        hasher.combine(mcpServers.map(\.name))
    }
}
