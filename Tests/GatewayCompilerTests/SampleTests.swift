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

    /// Each file in samples/broken states what it must produce: `# expect: CODE line N` and, where
    /// a controller would write one, `condition Type=Status/Reason` (JSON files: in `<name>.expect`).
    static var brokenSamples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Repo.path("samples/broken"))) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }

    @Test(arguments: brokenSamples)
    func brokenSampleReportsItsCodeLineAndCondition(_ name: String) throws {
        let path = Repo.path("samples/broken/\(name)")
        let header: String
        if name.hasSuffix(".json") {
            header = try String(contentsOfFile: path + ".expect", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let first = try #require(text.split(separator: "\n").first)
            try #require(first.hasPrefix("# expect: "), "\(name) has no expectation header")
            header = String(first.dropFirst("# expect: ".count))
        }
        let parts = header.split(separator: " ").map(String.init)
        try #require(parts.count >= 3 && parts[1] == "line", "bad header in \(name)")
        // A second header line `# env: NAME=VALUE` sets lint's environment (`GWC_NOW` pins the
        // certificate clock, so that a sample's certificate stays as old as it says).
        let environment = Dictionary(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst().prefix(1)
            .filter { $0.hasPrefix("# env: ") }.compactMap { line -> (String, String)? in
                let pair = line.dropFirst("# env: ".count).split(separator: "=", maxSplits: 1).map(String.init)
                return pair.count == 2 ? (pair[0], pair[1]) : nil
            }, uniquingKeysWith: { first, _ in first })
        let code = parts[0], line = Int(parts[2])
        let condition = parts.count >= 5 && parts[3] == "condition" ? parts[4] : nil
        let result = lint(paths: [path], environment: environment)
        let found = result.diagnostics.filter { $0.code.rawValue == code }
        #expect(!found.isEmpty, "\(name): expected \(code), got \(result.diagnostics.map(\.code.rawValue))")
        #expect(found.contains { $0.location.line == line && $0.location.file == path }, "\(name): \(found.map(\.location))")
        if let condition {
            #expect(found.contains { $0.condition == condition }, "\(name): conditions \(found.map { $0.condition ?? "-" })")
        }
    }

    @Test func everyCheckHasABrokenSample() throws {
        var covered = Set<String>()
        for name in Self.brokenSamples {
            let path = Repo.path("samples/broken/\(name)")
            let text = name.hasSuffix(".json") ? try String(contentsOfFile: path + ".expect", encoding: .utf8) : try String(contentsOfFile: path, encoding: .utf8)
            if let start = text.range(of: "GW") { covered.insert(String(text[start.lowerBound...].prefix(5))) }
        }
        // Codes exercised elsewhere: unreadable input, alias bombs, deep nesting, encoding and
        // notes (InputParsingTests, CLITests); the rest must each have a sample.
        let elsewhere: Set<String> = ["GW100", "GW105", "GW106", "GW107", "GW109", "GW111", "GW609", "GW611", "GW603"]
        let missing = DiagnosticCode.all.map(\.rawValue).filter { !covered.contains($0) && !elsewhere.contains($0) }
        #expect(missing.isEmpty, "no sample in samples/broken for \(missing)")
    }

    @Test func secretValuesNeverAppearInAnyOutput() {
        let secretText = "sk-ant-fake.value.that.must.stay.hidden"
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
        for code in DiagnosticCode.all {
            // The catalogue is the one source of a code's severity; the docs say the same.
            #expect(docs.contains("## \(code.rawValue)\n\n**\(code.name)** (\(code.defaultSeverity.rawValue)): "), "\(code.rawValue) is not in docs/diagnostics.md with its catalogued severity")
        }
        #expect(Set(DiagnosticCode.all.map(\.rawValue)).count == DiagnosticCode.all.count)
    }
}
