import GatewayIR

/// Where an AI provider's requests go, as gwc resolved it into the table (`ProviderAPI`): the
/// host (its kind's, or the backend's override), TLS (the kind's own hosts with the system's
/// trust store, the backend's `policies.tls` when set; an override without it is plain HTTP, as
/// agentgateway treats one), the path prefix, and the query every operation carries (Azure's
/// `api-version`).
public struct ProviderEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String
    /// The TLS setting; nil: plain HTTP.
    var tls: UpstreamTLS?

    public var url: String { "\(scheme)://\(host):\(port)\(path)" }
    /// The Host header: the host, and the port unless it is the scheme's default.
    public var hostHeader: String { port == (scheme == "https" ? 443 : 80) ? host : "\(host):\(port)" }

    /// `suffix` is the operation under the prefix (`/messages`, `/chat/completions`). A translated
    /// request always goes to the provider's own path for that operation, also with a host
    /// override (the client's path names the gateway's route, not the provider's API); a `path`
    /// override replaces the whole path.
    public static func resolve(table: RouteTable, provider: Int, suffix: String, tls contexts: UpstreamTLSContexts = UpstreamTLSContexts()) -> ProviderEndpoint? {
        let record = table.provider(provider)
        guard let host = record.host else { return nil }
        let tls = contexts.context(record.tls)
        let scheme = record.usesTLS ? "https" : "http"
        let port = record.port ?? (record.usesTLS ? 443 : 80)
        var prefix = record.pathPrefix ?? "/v1"
        // Vertex AI's publisher models live beside its OpenAI-compatible endpoint, not under it.
        if suffix.hasPrefix("/publishers/"), prefix.hasSuffix(VertexAnthropic.openAIEndpoint) { prefix.removeLast(VertexAnthropic.openAIEndpoint.count) }
        // So does Gemini's native API beside its OpenAI-compatible one (`/v1beta/openai`).
        if suffix.hasPrefix("/models/"), prefix.hasSuffix("/openai") { prefix.removeLast("/openai".count) }
        var path = record.path ?? prefix + suffix
        if let query = record.query { path += (path.contains("?") ? "&" : "?") + query }
        return ProviderEndpoint(scheme: scheme, host: host, port: port, path: path, tls: tls)
    }
}
