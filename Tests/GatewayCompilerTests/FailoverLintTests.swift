import GatewayCompiler
import GatewayIR
import Testing

/// What lint says about failover groups whose providers differ in what a request needs: a route
/// type one of them cannot serve, a smaller context window where gwc knows the models (GW410).
@Suite("Failover lint")
struct FailoverLintTests {
    /// A backend whose `ai.groups` are `groups` (YAML at the groups' indentation).
    static func backend(groups: String, routes: String = "") -> String {
        """
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: llm, namespace: apps}
        spec:
          ai:
            groups:
        \(groups)
        \(routes)
        """
    }

    static func backend(primary: String, fallback: String, routes: String = "") -> String {
        backend(groups: """
                  - providers:
                      - name: primary
                        \(primary)
                  - providers:
                      - name: fallback
                        \(fallback)
            """, routes: routes)
    }

    static func mismatches(_ text: String) -> [Diagnostic] { lint(text).diagnostics.filter { $0.code == .failoverMismatch } }

    @Test func aSmallerKnownWindowIsAWarningAtTheSmallerProvider() throws {
        let found = Self.mismatches(Self.backend(primary: "openai: {model: gpt-4.1}", fallback: "anthropic: {model: claude-opus-4-7}"))
        let warning = try #require(found.first)
        #expect(found.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("1,047,576-token"))
        #expect(warning.message.contains("fallback (anthropic, claude-opus-4-7), whose window is 200,000 tokens"))
        #expect(warning.location.line == 11)  // the fallback provider's entry
        #expect(warning.notes.first?.location?.line == 8)
    }

    @Test func equalOrUnknownWindowsAreNotCompared() {
        // Two Claude models (200,000 each); a model gwc does not know; no models pinned.
        #expect(Self.mismatches(Self.backend(primary: "anthropic: {model: claude-sonnet-4-5}", fallback: "bedrock: {model: \"us.anthropic.claude-3-5-sonnet-20240620-v1:0\"}")).isEmpty)
        #expect(Self.mismatches(Self.backend(primary: "openai: {model: my-finetune}", fallback: "anthropic: {model: claude-opus-4-7}")).isEmpty)
        #expect(Self.mismatches(Self.backend(primary: "openai: {}", fallback: "anthropic: {}")).isEmpty)
    }

    @Test func theWindowTableMatchesWholeNameParts() {
        #expect(ContextWindows.tokens(of: "gpt-4o-mini") == 128_000)
        #expect(ContextWindows.tokens(of: "gpt-4-0613") == 8_192)
        #expect(ContextWindows.tokens(of: "gpt-4.1-nano") == 1_047_576)
        #expect(ContextWindows.tokens(of: "models/gemini-2.5-flash") == 1_048_576)
        #expect(ContextWindows.tokens(of: "eu.anthropic.claude-3-7-sonnet-20250219-v1:0") == 200_000)
        #expect(ContextWindows.tokens(of: "meta.llama3-1-70b-instruct-v1:0") == 128_000)
        #expect(ContextWindows.tokens(of: "gpt-4oops") == nil)
    }

    @Test func aRouteTypeTheFallbackCannotServeIsStillReported() {
        let found = Self.mismatches(Self.backend(
            primary: "openai: {model: gpt-4o}", fallback: "anthropic: {model: claude-opus-4-7}",
            routes: "  policies:\n    ai:\n      routes: {\"/v1/embeddings\": Embeddings, \"*\": Completions}"))
        #expect(found.contains { $0.message.contains("Embeddings") })
        // gpt-4o's window is the smaller one and comes first: nothing said about windows.
        #expect(!found.contains { $0.message.contains("context window") })
    }

    @Test func peersOfOneGroupAreComparedBothWays() {
        let text = Self.backend(groups: """
                  - providers:
                      - {name: small, openai: {model: gpt-4o}}
                      - {name: large, anthropic: {model: claude-opus-4-7}}
            """)
        let found = Self.mismatches(text)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("small (openai, gpt-4o), whose window is 128,000 tokens") == true)
    }
}
