import GatewayIR

/// Where a provider's API is and how it is spoken to, as gwc writes it into the table (gwrun
/// reads the result and knows no provider's defaults): the host (the kind's, or the `host`
/// override), TLS (the kind's own hosts; an override is plain HTTP, as agentgateway reaches one
/// without a TLS policy), the path prefix its operations go under, a query they carry, the
/// operations it serves natively and the header its credential goes in. docs/runtime.md lists
/// every kind's values.
struct ProviderAPI: Equatable {
    var host: String
    var tls: Bool
    var pathPrefix: String
    var query: String?
    var formats: ProviderFormats
    var credentialHeader: CredentialHeader
    /// The model the kind's settings name (an Azure v1 deployment), when its `model` is unset.
    var settingsModel: String?
    /// The region a SigV4 signature names (Bedrock's own), unless `policies.auth.aws.region` says otherwise.
    var signingRegion: String?

    /// The API, or why there is none (a setting it needs is missing or invalid: GW411).
    static func resolve(_ provider: LLMProvider) -> Result<ProviderAPI, Problem> {
        let settings = provider.settings
        let version = settings.apiVersion ?? "v1"
        var api: ProviderAPI
        switch provider.kind {
        case .openai:
            api = ProviderAPI(host: "api.openai.com", pathPrefix: "/v1", formats: [.completions, .responses, .embeddings])
        case .anthropic:
            api = ProviderAPI(host: "api.anthropic.com", pathPrefix: "/v1", formats: [.messages, .anthropicTokenCount], credentialHeader: .anthropic)
        case .gemini:
            // Gemini's OpenAI-compatible endpoint; its native API (GenerateContent route types) beside it under /v1beta.
            api = ProviderAPI(host: "generativelanguage.googleapis.com", pathPrefix: "/v1beta/openai", formats: [.completions, .embeddings, .generateContent])
        case .vertexai:
            guard let project = settings.projectId, !project.isEmpty else { return .failure(.missing("vertexai.projectId", "the Google Cloud project whose Vertex AI serves the models")) }
            let region = settings.region ?? "global"
            guard region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return .failure(.invalid("vertexai.region", region)) }
            let host = region == "global" ? "aiplatform.googleapis.com" : ["us", "eu"].contains(region) ? "aiplatform.\(region).rep.googleapis.com" : "\(region)-aiplatform.googleapis.com"
            // Vertex AI's OpenAI-compatible endpoint serves its Gemini models' chat completions;
            // its Anthropic models are reached through rawPredict beside it (gwrun, per request's model).
            api = ProviderAPI(host: host, pathPrefix: "/v1/projects/\(project)/locations/\(region)/endpoints/openapi", formats: [.completions, .vertexAnthropic])
        case .azureopenai:
            guard var endpoint = settings.endpoint, !endpoint.isEmpty else { return .failure(.missing("azureopenai.endpoint", "the resource's host, such as my-resource.openai.azure.com")) }
            for scheme in ["https://", "http://"] where endpoint.hasPrefix(scheme) { endpoint.removeFirst(scheme.count) }
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            if version == "v1" {
                api = ProviderAPI(host: endpoint, pathPrefix: "/openai/v1", formats: [.completions, .responses, .embeddings], credentialHeader: .azureKey)
                api.settingsModel = settings.deploymentName
            } else {
                guard let deployment = settings.deploymentName, !deployment.isEmpty else {
                    return .failure(.missing("azureopenai.deploymentName", "the deployment a dated api-version (\(version)) calls; only `apiVersion: v1` goes without one"))
                }
                api = ProviderAPI(host: endpoint, pathPrefix: "/openai/deployments/\(deployment)", formats: [.completions, .embeddings], credentialHeader: .azureKey)
                api.query = "api-version=\(version)"
            }
        case .azure:
            guard let resource = settings.resourceName, !resource.isEmpty else { return .failure(.missing("azure.resourceName", "the Azure resource that makes the host")) }
            if settings.resourceType == "Foundry" {
                guard let project = settings.projectName, !project.isEmpty else { return .failure(.missing("azure.projectName", "the Foundry project its paths name")) }
                guard version == "v1" else { return .failure(.invalid("azure.apiVersion", "\(version) (gwrun reaches Foundry's v1 API only)")) }
                api = ProviderAPI(host: "\(resource).services.ai.azure.com", pathPrefix: "/api/projects/\(project)/openai/v1", formats: [.completions, .responses, .embeddings], credentialHeader: .azureKey)
            } else if version == "v1" {
                api = ProviderAPI(host: "\(resource).openai.azure.com", pathPrefix: "/openai/v1", formats: [.completions, .responses, .embeddings], credentialHeader: .azureKey)
            } else {
                guard let model = provider.model, !model.isEmpty else { return .failure(.missing("azure.model", "the deployment a dated api-version (\(version)) calls")) }
                api = ProviderAPI(host: "\(resource).openai.azure.com", pathPrefix: "/openai/deployments/\(model)", formats: [.completions, .embeddings], credentialHeader: .azureKey)
                api.query = "api-version=\(version)"
            }
        case .custom:
            guard provider.host != nil else { return .failure(.missing("host", "custom providers have no default host; give `host` and `port`")) }
            let formats = provider.formats.isEmpty ? ProviderFormats.completions : ProviderFormats(routeTypes: provider.formats)
            api = ProviderAPI(host: "", pathPrefix: "/v1", formats: formats, credentialHeader: formats.contains(.messages) && !formats.contains(.completions) ? .anthropic : .bearer)
        case .bedrock:
            // Converse and ConverseStream under /model/{model}/, signed with SigV4 (the region is signed too).
            let region = settings.region ?? "us-east-1"
            guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else { return .failure(.invalid("bedrock.region", region)) }
            api = ProviderAPI(host: "bedrock-runtime.\(region).amazonaws.com", pathPrefix: "", formats: [.converse], credentialHeader: .awsSigV4)
            api.signingRegion = region
        }
        if let host = provider.host {
            api.host = host
            api.tls = false
        }
        if let prefix = provider.pathPrefix { api.pathPrefix = prefix }
        return .success(api)
    }

    enum Problem: Error, Equatable {
        case missing(String, String)
        case invalid(String, String)
    }

    private init(host: String, pathPrefix: String, formats: ProviderFormats, credentialHeader: CredentialHeader = .bearer) {
        self.host = host
        tls = true
        self.pathPrefix = pathPrefix
        self.formats = formats
        self.credentialHeader = credentialHeader
    }
}
