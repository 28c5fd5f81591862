import GatewayIR

/// Anthropic's models on Vertex AI (agentgateway: "Vertex Claude: Anthropic Messages via
/// rawPredict"): a Vertex AI provider asked for a `claude` model takes Messages requests (and
/// everything gwrun translates to Messages) at
/// `/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict`, or
/// `:streamRawPredict` for a stream, the model in the path and not in the body, which carries
/// `anthropic_version: vertex-2023-10-16` instead; the credential is the usual bearer token.
enum VertexAnthropic {
    static let openAIEndpoint = "/endpoints/openapi"
    static let version = "vertex-2023-10-16"

    /// Whether this provider serves this model as a Messages provider.
    static func serves(_ formats: ProviderFormats, model: String?) -> Bool {
        formats.contains(.vertexAnthropic) && (model?.hasPrefix("claude") ?? false)
    }

    /// The operation suffix and body for a Messages request (`body` is left as it is: failover
    /// may send it to another provider); nil when the model is not an Anthropic one.
    static func request(_ body: JSONNode, formats: ProviderFormats) -> (suffix: String, body: JSONNode)? {
        guard let model = body["model"]?.string, serves(formats, model: model) else { return nil }
        let copy = body.shallowCopy()
        copy.remove("model")
        copy.set("anthropic_version", version)
        let operation = body["stream"]?.bool == true ? "streamRawPredict" : "rawPredict"
        return ("/publishers/anthropic/models/\(AWSSigV4.encode(model[...], keepSlash: false)):\(operation)", copy)
    }
}
