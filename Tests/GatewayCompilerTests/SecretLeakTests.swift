import Foundation
import Testing

/// No secret value reaches any output: every broken sample, next to inputs that put a marker value
/// in every place a credential can stand (each broken in its own way), through every command and
/// format. The marker must be found nowhere on standard output or standard error.
@Suite("secret values never printed")
struct SecretLeakTests {
    static let marker = "MARKER-9f3a-s3cr3t"

    /// Each case breaks a document that carries the marker.
    static let markerCases: [(name: String, text: String)] = [
        ("bad-base64.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: default}\ndata:\n  Authorization: \(marker)!\n"),
        ("duplicate-key.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: b, namespace: default}\nstringData:\n  Authorization: \(marker)1\n  Authorization: \(marker)2\n"),
        ("list-value.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: c, namespace: default}\nstringData:\n  Authorization: [\(marker)]\n"),
        ("block-value.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: d, namespace: default}\nstringData:\n  Authorization: |\n    \(marker)\n  Authorization: x\n"),
        ("bad-key.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: e, namespace: default}\nstringData:\n  ../../x: \(marker)\n"),
        ("flow.yaml", "{apiVersion: v1, kind: Secret, metadata: {name: f, namespace: default}, data: {Authorization: \(marker)!, Authorization: y}}\n"),
        ("syntax.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: g, namespace: default}\nstringData:\n  Authorization: \"\(marker)\n  other: [\n"),
        ("secret.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"h\", \"namespace\": \"default\"},\n \"data\": {\"Authorization\": \"\(marker)!\", \"Authorization\": \"x\"}}\n"),
        ("inline-key.yaml", """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: inline, namespace: default}
            spec:
              ai:
                provider:
                  anthropic: {model: claude-opus-4-7}
              policies:
                auth:
                  key: sk-ant-\(marker)
                  secretRef: {name: x}

            """),
        ("hermes.yaml", "model: {provider: gw, default: m}\nproviders:\n  gw:\n    base_url: https://api.example.com/v1\n    api_mode: chat_completions\n    api_key: sk-\(marker)0123456789abcdef\n    api_key: [sk-\(marker)]\n"),
    ]

    static func commands(_ inputs: [String], table: String) -> [[String]] {
        [
            ["lint"] + inputs, ["lint", "--format", "json"] + inputs, ["lint", "--format", "sarif"] + inputs,
            ["lint", "--format", "github"] + inputs, ["lint", "--conditions"] + inputs, ["lint", "--conditions", "--format", "json"] + inputs,
            ["build", "-o", table] + inputs, ["build", "--allow-errors", "-o", table] + inputs,
            ["diff"] + inputs.prefix(1) + inputs.suffix(1), ["diff", "--allow-errors", "--format", "json"] + inputs.prefix(1) + inputs.suffix(1),
            ["route", "--port", "8080", "--path", "/"] + inputs,
        ]
    }

    @Test func noCommandPrintsAMarkerValue() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-leak-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var markerFiles: [String] = []
        for (name, text) in Self.markerCases {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            markerFiles.append(path)
        }
        let table = directory.appendingPathComponent("t.gwt").path
        let broken = try FileManager.default.contentsOfDirectory(atPath: Repo.path("samples/broken")).filter { !$0.hasSuffix(".expect") }.sorted()
        var runs = 0
        // Each marker file alone, then every broken sample together with all the marker files.
        let inputSets = markerFiles.map { [$0] } + broken.map { ["samples/broken/\($0)"] + markerFiles }
        for inputs in inputSets {
            for arguments in Self.commands(inputs, table: table) {
                let run = try CLITests().gwc(arguments)
                runs += 1
                #expect(!run.stdout.contains(Self.marker) && !run.stderr.contains(Self.marker), "gwc \(arguments.joined(separator: " ")) printed a secret value")
                #expect(!run.stderr.contains("Fatal error"), "gwc \(arguments.joined(separator: " ")) crashed")
            }
        }
        #expect(runs > 500)
        // And the redaction is visible where a snippet would have shown the value.
        let lint = try CLITests().gwc(["lint", markerFiles[0]])
        #expect(lint.stdout.contains("Authorization: ‹redacted›"))
    }

    @Test func snippetsOfLongLinesAreCapped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-long-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scalar = directory.appendingPathComponent("scalar.yaml").path
        try String(repeating: "x", count: 5_000_000).write(toFile: scalar, atomically: true, encoding: .utf8)
        let nested = directory.appendingPathComponent("nested.yaml").path
        try (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).write(toFile: nested, atomically: true, encoding: .utf8)
        for path in [scalar, nested] {
            let run = try CLITests().gwc(["lint", path])
            #expect(run.stdout.utf8.count < 2_000, "\(path): \(run.stdout.utf8.count) bytes printed")
            #expect(run.stdout.contains("…"), "the cut is marked")
            #expect(run.stdout.contains("^"))
        }
    }
}
