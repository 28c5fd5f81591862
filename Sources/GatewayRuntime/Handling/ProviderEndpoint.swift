import GatewayIR

/// Where an AI provider's requests go: its default endpoint, or the backend's host/port/path/
/// pathPrefix overrides (plaintext, as agentgateway treats a host override without a TLS policy).
public struct ProviderEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String

    public var url: String { "\(scheme)://\(host):\(port)\(path)" }

    /// `suffix` is the operation under the version prefix (`/messages`, `/chat/completions`).
    /// A translated request always goes to the provider's own path for that operation, also with a
    /// host override (the client's path names the gateway's route, not the provider's API).
    public static func resolve(table: RouteTable, provider: Int, suffix: String) -> ProviderEndpoint? {
        let record = table.provider(provider)
        let kind = record.kind
        let defaults: [String: String] = ["anthropic": "api.anthropic.com", "openai": "api.openai.com"]
        let hostOverride = record.host
        guard let host = hostOverride ?? defaults[kind] else { return nil }
        let scheme = hostOverride == nil ? "https" : "http"
        let port = record.port ?? (scheme == "https" ? 443 : 80)
        let path = record.path ?? (record.pathPrefix ?? "/v1") + suffix
        return ProviderEndpoint(scheme: scheme, host: host, port: port, path: path)
    }
}
