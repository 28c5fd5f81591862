import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// Bedrock providers: the endpoint and SigV4 scope gwc writes into the table, and what lint says
/// about what gwrun could not sign or reach.
@Suite("Bedrock providers")
struct BedrockTests {
    static func backend(provider: String = "bedrock: {model: \"anthropic.claude-3-5-sonnet-20240620-v1:0\", region: eu-west-3}", auth: String = "aws: {secretRef: {name: aws}}") -> String {
        """
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: llm, namespace: apps}
        spec:
          ai:
            provider:
              \(provider)
          policies:
            auth: {\(auth)}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: aws, namespace: apps}
        stringData: {accessKey: AKIDEXAMPLE, secretKey: test-secret-key-value}
        """
    }

    static func codes(_ result: LintResult) -> [String] { result.diagnostics.filter { $0.severity == .error || $0.code == .notEnforced }.map(\.code.rawValue) }

    @Test func bedrockCompilesToItsRegionalEndpointSignedForBedrock() throws {
        let result = lint(Self.backend())
        #expect(Self.codes(result).isEmpty, "\(result.diagnostics.map(\.message))")
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        let provider = table.provider(0)
        #expect(provider.host == "bedrock-runtime.eu-west-3.amazonaws.com")
        #expect(provider.usesTLS)
        #expect(provider.pathPrefix == "")
        #expect(provider.formats == .converse)
        #expect(provider.credentialHeader == .awsSigV4)
        #expect(provider.signingRegion == "eu-west-3")
        #expect(provider.signingService == "bedrock")
        #expect(provider.model == "anthropic.claude-3-5-sonnet-20240620-v1:0")
        // The whole Secret: accessKey, secretKey, sessionToken.
        #expect(provider.secretRef?.name == "aws")
        #expect(provider.secretRef?.key == "")
    }

    @Test func regionDefaultsToUSEast1AndAWSSettingsOverrideTheScope() throws {
        let defaulted = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(lint(Self.backend(provider: "bedrock: {}")))))
        #expect(defaulted.provider(0).host == "bedrock-runtime.us-east-1.amazonaws.com")
        #expect(defaulted.provider(0).signingRegion == "us-east-1")
        let result = lint(Self.backend(auth: "aws: {secretRef: {name: aws}, region: us-west-2, serviceName: bedrock-agentcore}"))
        #expect(Self.codes(result).isEmpty, "\(result.diagnostics.map(\.message))")
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        #expect(table.provider(0).signingRegion == "us-west-2")
        #expect(table.provider(0).signingService == "bedrock-agentcore")
    }

    @Test func bedrockWithoutAWSCredentialsIsAnError() {
        let result = lint(Self.backend(auth: "secretRef: {name: aws}"))
        let missing = result.diagnostics.first { $0.code == .providerSettingMissing }
        #expect(missing?.severity == .error)
        #expect(missing?.message.contains("policies.auth.aws.secretRef") == true)
    }

    @Test func assumeRoleIsReportedAndLeavesNoCredential() {
        let result = lint(Self.backend(auth: "aws: {assumeRole: {roleArn: \"arn:aws:iam::123456789012:role/bedrock\"}}"))
        #expect(result.diagnostics.contains { $0.code == .notEnforced && $0.message.contains("policies.auth.aws.assumeRole") })
        #expect(result.diagnostics.contains { $0.code == .providerSettingMissing })
    }

    @Test func anotherKindSignedWithAWSNeedsRegionAndService() throws {
        let result = lint(Self.backend(provider: "openai: {model: gpt-4o}", auth: "aws: {secretRef: {name: aws}}"))
        let missing = try #require(result.diagnostics.first { $0.code == .providerSettingMissing })
        #expect(missing.message.contains("`policies.auth.aws.region` or `policies.auth.aws.serviceName`"))
        let signed = lint(Self.backend(provider: "openai: {model: gpt-4o}", auth: "aws: {secretRef: {name: aws}, region: us-east-1, serviceName: execute-api}"))
        #expect(Self.codes(signed).isEmpty, "\(signed.diagnostics.map(\.message))")
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(signed)))
        #expect(table.provider(0).credentialHeader == .awsSigV4)
        #expect(table.provider(0).signingService == "execute-api")
    }

    /// `aws` without a Secret on a kind other than Bedrock would leave the requests unsigned
    /// while the manifest says they are signed: an error, whatever else `aws` holds.
    @Test func awsWithoutASecretIsAnErrorForEveryKind() {
        for auth in ["aws: {}", "aws: {region: us-east-1, serviceName: execute-api}"] {
            for provider in ["openai: {model: gpt-4o}", "anthropic: {}", "gemini: {}", "bedrock: {}"] {
                let result = lint(Self.backend(provider: provider, auth: auth))
                let missing = result.diagnostics.first { $0.code == .providerSettingMissing }
                #expect(missing?.severity == .error, "\(provider) with \(auth)")
                #expect(missing?.message.contains("secretRef") == true, "\(provider) with \(auth): \(missing?.message ?? "none")")
            }
        }
    }

    @Test func theCredentialsSecretNeedsBothKeys() {
        let noSecret = lint(Self.backend(auth: "aws: {secretRef: {name: nowhere}}"))
        #expect(noSecret.diagnostics.contains { $0.code == .backendSecretNotFound && $0.message.contains("aws.secretRef") })
        let text = Self.backend().replacingOccurrences(of: "stringData: {accessKey: AKIDEXAMPLE, secretKey: test-secret-key-value}", with: "stringData: {accessKey: AKIDEXAMPLE}")
        let missing = lint(text)
        #expect(missing.diagnostics.contains { $0.code == .backendSecretKeyMissing && $0.message.contains("\"secretKey\"") })
    }

    @Test func guardrailAndInvalidRegionAreReported() {
        let guardrail = lint(Self.backend(provider: "bedrock: {region: us-east-1, guardrail: {identifier: g1, version: \"1\"}}"))
        #expect(guardrail.diagnostics.contains { $0.code == .notEnforced && $0.message.contains("bedrock.guardrail") })
        let region = lint(Self.backend(provider: "bedrock: {region: \"US East\"}"))
        #expect(region.diagnostics.contains { $0.code == .providerSettingMissing && $0.message.contains("bedrock.region") })
    }
}
