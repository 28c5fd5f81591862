import GatewayCompiler
import GatewayIR
import Testing

/// `policies.ai.modelAliases` reach the table as (alias, model) pairs sorted by alias, and are
/// not reported as unenforced; on a policy's `backend` they still are (gwrun does not use them).
@Suite("Model aliases")
struct ModelAliasTests {
    static let backend = """
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: llm, namespace: apps}
        spec:
          ai:
            provider: {openai: {}}
          policies:
            ai:
              modelAliases: {smart: gpt-4.1, fast: gpt-4.1-mini}
        """

    @Test func aliasesAreCompiledSortedByAlias() throws {
        let result = lint(Self.backend)
        #expect(!result.diagnostics.contains { $0.code == .notEnforced }, "\(result.diagnostics.map(\.message))")
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        let aliases = table.backend(0).modelAliases
        #expect(aliases.map(\.alias) == ["fast", "smart"])
        #expect(aliases.map(\.model) == ["gpt-4.1-mini", "gpt-4.1"])
    }

    @Test func aliasesOnAPolicysBackendAreReported() {
        let text = Self.backend + """

            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: aliases, namespace: apps}
            spec:
              targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: llm}]
              backend:
                ai:
                  modelAliases: {tiny: gpt-4.1-nano}
            """
        #expect(lint(text).diagnostics.contains { $0.code == .notEnforced && $0.message.contains("spec.backend.ai.modelAliases") })
    }
}
