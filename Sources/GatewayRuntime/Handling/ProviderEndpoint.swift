import GatewayIR

/// Where an AI provider's requests go, as gwc resolved it into the table (`ProviderAPI`): the
/// host (its kind's, or the backend's override), TLS for the kind's own hosts (an override is
/// plain HTTP, as agentgateway treats one without a TLS policy), the path prefix, and the query
/// every operation carries (Azure's `api-version`).
public struct ProviderEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String

    public var url: String { "\(scheme)://\(host):\(port)\(path)" }

    /// `suffix` is the operation under the prefix (`/messages`, `/chat/completions`). A translated
    /// request always goes to the provider's own path for that operation, also with a host
    /// override (the client's path names the gateway's route, not the provider's API); a `path`
    /// override replaces the whole path.
    public static func resolve(table: RouteTable, provider: Int, suffix: String) -> ProviderEndpoint? {
        let record = table.provider(provider)
        guard let host = record.host else { return nil }
        let scheme = record.usesTLS ? "https" : "http"
        let port = record.port ?? (record.usesTLS ? 443 : 80)
        var path = record.path ?? (record.pathPrefix ?? "/v1") + suffix
        if let query = record.query { path += (path.contains("?") ? "&" : "?") + query }
        return ProviderEndpoint(scheme: scheme, host: host, port: port, path: path)
    }
}
