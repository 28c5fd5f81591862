import Foundation
import GatewayCompiler
import GatewayIR
import Testing

@Suite("Bundled samples")
struct SampleTests {
    @Test func seedSampleLintsWithoutErrorsAndSaysWhereHermesGoes() {
        let result = lint(paths: [Repo.path("samples/hermes-anthropic")])
        #expect(result.count(.error) == 0, "\(result.diagnostics.filter { $0.severity == .error }.map(\.message))")
        let reach = result.diagnostics.first { $0.code == .hermesReaches }
        #expect(reach?.message.contains("/anthropic/chat/completions") == true)
        #expect(reach?.message.contains("agentgateway-system/anthropic (anthropic, claude-opus-4-7)") == true)
        let route = result.status.routes.first { $0.key.name == "claude" }
        #expect(route?.parents.first?.conditions.map(\.summary) == ["Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs"])
        #expect(result.status.gateways.first?.listeners.first?.attachedRoutes == 1)
        #expect(result.status.backends.first?.conditions.first?.summary == "Accepted=True/Accepted")
    }

    /// Each file in samples/broken starts with `# expect: CODE line N`.
    @Test(arguments: try FileManager.default.contentsOfDirectory(atPath: Repo.path("samples/broken")).filter { $0.hasSuffix(".yaml") }.sorted())
    func brokenSampleReportsItsCodeAtItsLine(_ name: String) throws {
        let path = Repo.path("samples/broken/\(name)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first)
        let parts = header.split(separator: " ")
        try #require(parts.count == 5 && parts[1] == "expect:", "bad header in \(name)")
        let code = String(parts[2]), line = Int(parts[4])
        let result = lint(paths: [path])
        let found = result.diagnostics.filter { $0.code.rawValue == code }
        #expect(!found.isEmpty, "\(name): expected \(code), got \(result.diagnostics.map(\.code.rawValue))")
        #expect(found.contains { $0.location.line == line && $0.location.file == path }, "\(name): \(found.map(\.location))")
    }

    @Test func secretValuesNeverAppearInAnyOutput() {
        let secretText = "sk-ant-fake-value-that-must-stay-hidden-0123456789"
        let text = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: default}
            data:
              broken: "\(secretText)"
            stringData:
              Authorization: "$\(secretText)"
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: b, namespace: default}
            spec:
              ai: {provider: {anthropic: {}}}
              policies: {auth: {key: "\(secretText)"}}
            """
        let result = lint(text)
        #expect(result.hasErrors)
        let outputs = [
            MachineRenderers.json(result), MachineRenderers.sarif(result), MachineRenderers.github(result),
            YAMLWriter.write(StatusDocument.build(result)),
            TextRenderer(colorize: false).render(result.diagnostics, files: { _ in nil }),
        ]
        for output in outputs { #expect(!output.contains(secretText)) }
    }

    @Test func everyDiagnosticCodeIsDocumented() throws {
        let docs = try String(contentsOfFile: Repo.path("docs/diagnostics.md"), encoding: .utf8)
        for code in DiagnosticCode.all { #expect(docs.contains("## \(code.rawValue)"), "\(code.rawValue) is not in docs/diagnostics.md") }
        #expect(Set(DiagnosticCode.all.map(\.rawValue)).count == DiagnosticCode.all.count)
    }
}
