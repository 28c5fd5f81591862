import GatewayIR

/// The region and service a provider's SigV4 signature names: `policies.auth.aws.region` and
/// `serviceName` when set, else Bedrock's own (its `region`, service `bedrock`). Any other
/// provider kind signed with AWS credentials must name both (lint: GW411).
struct SigningScope: Equatable {
    var region: String
    var service: String

    /// nil when the provider is not signed: no `aws` credential, or (for a non-Bedrock kind) no
    /// region or service to sign for.
    static func resolve(provider: LLMProvider, auth: BackendAuth?, api: ProviderAPI?) -> SigningScope? {
        let bedrock = provider.kind == .bedrock
        guard case .aws(_, let region, let service)? = auth?.source else { return nil }
        guard let region = region ?? (bedrock ? api?.signingRegion : nil), let service = service ?? (bedrock ? "bedrock" : nil) else { return nil }
        return SigningScope(region: region, service: service)
    }
}
