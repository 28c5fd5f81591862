import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// `policies.ai.defaults`, `overrides`, `prompt` and `promptCaching` reach the backend's table
/// record, values as JSON, and are not reported as unenforced.
@Suite("Request edits and prompt caching")
struct RequestEditTests {
    static let backend = """
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: llm, namespace: apps}
        spec:
          ai:
            provider: {bedrock: {region: us-east-1}}
          policies:
            auth: {aws: {secretRef: {name: aws}}}
            ai:
              defaults: [{field: temperature, value: 0.5}, {field: stop, value: [END, "2"]}, {field: tag, value: "0.5"}]
              overrides: [{field: max_tokens, value: 100}, {field: metadata, value: {user_id: gw, flag: true, none: null}}]
              prompt:
                prepend: [{role: SYSTEM, content: Answer in French.}]
                append: [{role: user, content: One line.}]
              promptCaching: {cacheTools: true, minTokens: 2048, cacheMessageOffset: 1}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: aws, namespace: apps}
        stringData: {accessKey: AKIDEXAMPLE, secretKey: test-secret-key-value}
        """

    @Test func editsAndCachingAreCompiledInOrder() throws {
        let result = lint(Self.backend)
        #expect(!result.diagnostics.contains { $0.code == .notEnforced }, "\(result.diagnostics.map(\.message))")
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        let edits = table.backend(0).requestEdits
        #expect(edits.map { $0.kind } == [.default, .default, .default, .override, .override, .prepend, .append])
        #expect(edits.map(\.value) == [
            "0.5", #"["END","2"]"#, #""0.5""#, "100", #"{"user_id":"gw","flag":true,"none":null}"#, "Answer in French.", "One line.",
        ])
        #expect(edits[5].key == "system")
        let caching = try #require(table.backend(0).promptCaching)
        #expect(caching.cacheSystem && caching.cacheMessages && caching.cacheTools)
        #expect(caching.minTokens == 2048)
        #expect(caching.messageOffset == 1)
    }

    @Test func promptCachingWithoutABedrockProviderIsReported() {
        let text = Self.backend.replacingOccurrences(of: "provider: {bedrock: {region: us-east-1}}", with: "provider: {openai: {}}")
        #expect(lint(text).diagnostics.contains { $0.code == .notEnforced && $0.message.contains("promptCaching") })
    }

    @Test func aBackendWithoutEditsHasNone() throws {
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(lint(BedrockTests.backend()))))
        #expect(table.backend(0).requestEdits.isEmpty)
        #expect(table.backend(0).promptCaching == nil)
    }
}
