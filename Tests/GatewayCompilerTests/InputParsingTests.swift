import GatewayCompiler
import GatewayIR
import Testing

@Suite("Reading YAML and JSON input")
struct InputParsingTests {
    @Test func duplicateKeyIsLocatedAtTheSecondKey() {
        let result = lint("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n")
        let diagnostic = result.diagnostics.first { $0.code == .duplicateKey }
        #expect(diagnostic?.location.line == 5)
        #expect(diagnostic?.location.column == 3)
        #expect(diagnostic?.notes.first?.location?.line == 4)
    }

    @Test func tabIndentationIsNamedAsSuch() {
        let result = lint("apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n")
        let diagnostic = result.diagnostics.first { $0.code == .tabIndentation }
        #expect(diagnostic?.location.line == 4)
        #expect(diagnostic?.severity == .error)
    }

    @Test func badIndentationGivesALocatedSyntaxError() {
        let result = lint("apiVersion: v1\nkind: Namespace\nmetadata:\n    name: a\n  labels: {}\n")
        let diagnostic = result.diagnostics.first { $0.code == .yamlSyntax }
        #expect(diagnostic?.location.line == 5)
    }

    @Test func aliasBombIsAnErrorNotAHang() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = "bcdefghi".map(String.init)
        var previous = "a"
        for name in names {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let result = lint(text)
        #expect(result.diagnostics.contains { $0.code == .aliasExpansion })
    }

    @Test func smallAliasesAreExpanded() {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: aliased
              labels: &labels {team: a}
              annotations: *labels
            """
        let result = lint(text)
        #expect(!result.hasErrors)
        #expect(result.resources.namespaces.first?.meta.annotations["team"] == "a")
    }

    @Test func deepYAMLNestingIsRejectedWithALocation() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let result = lint(text)
        let diagnostic = result.diagnostics.first { $0.code == .nestingTooDeep }
        #expect(diagnostic?.location.line == 1)
    }

    @Test func deepJSONNestingIsRejected() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let result = lint(text, path: "deep.json")
        #expect(result.diagnostics.contains { $0.code == .nestingTooDeep || $0.code == .jsonSyntax })
        #expect(result.hasErrors)
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        var bytes = Array("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        let result = Linter().lint([SourceFile(path: "bad.yaml", bytes: bytes)])
        let diagnostic = result.diagnostics.first { $0.code == .invalidEncoding }
        #expect(diagnostic?.location.line == 4)
    }

    @Test func emptyDocumentsAreWarnedAboutAndSkipped() {
        let result = lint("---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
        #expect(result.diagnostics.contains { $0.code == .emptyDocument && $0.severity == .warning })
        #expect(result.resources.namespaces.count == 1)
    }

    @Test func kubectlJSONListKeepsLinesAndColumns() {
        let json = """
            {
              "apiVersion": "v1",
              "kind": "List",
              "items": [
                {
                  "apiVersion": "gateway.networking.k8s.io/v1",
                  "kind": "HTTPRoute",
                  "metadata": {"name": "r", "namespace": "default"},
                  "spec": {"parentRefs": [{"name": "missing"}]}
                }
              ]
            }
            """
        let result = lint(json, path: "-")
        let diagnostic = result.diagnostics.first { $0.code == .parentNotFound }
        #expect(diagnostic?.location.line == 9)
        #expect(diagnostic?.location.column == 31)
    }

    @Test func jsonDuplicateKeysAreErrors() {
        let result = lint("{\"apiVersion\": \"v1\", \"apiVersion\": \"v2\"}", path: "dup.json")
        #expect(result.diagnostics.contains { $0.code == .duplicateKey })
    }

    @Test func unknownFieldNamesTheNearestKnownOne() {
        let result = lint("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: agentgateway
              listners: []
            """)
        let diagnostic = result.diagnostics.first { $0.code == .unknownField }
        #expect(diagnostic?.message.contains("did you mean \"listeners\"") == true)
        #expect(diagnostic?.location.line == 6)
    }

    @Test func quotedPortIsAWrongType() {
        let result = lint("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: agentgateway
              listeners:
                - {name: http, port: "8080", protocol: HTTP}
            """)
        #expect(result.diagnostics.contains { $0.code == .wrongType && $0.fixHint == "remove the quotes" })
    }

    @Test func unknownKindsAreSkippedAndCounted() {
        let result = lint("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n")
        #expect(result.resources.skippedKinds["apps/v1/Deployment"] == 1)
        #expect(!result.hasErrors)
    }

    /// A YAML flow mapping looks like JSON; in a `.yaml` file, or on standard input where it is
    /// not JSON, it is read as the YAML it is.
    @Test func aYAMLFlowMappingIsYAMLNotJSON() {
        let flow = "{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: default}, stringData: {Authorization: sk-x}}\n"
        for path in ["secret.yaml", "secret.yml", "-"] {
            let result = lint(flow, path: path)
            #expect(!result.diagnostics.contains { $0.code == .jsonSyntax }, "\(path): \(result.diagnostics.map(\.message))")
            #expect(result.resources.secrets.count == 1, "\(path)")
        }
        // JSON on standard input is still JSON (its errors are JSON's), and a `.json` file stays JSON.
        #expect(lint("{\"apiVersion\": \"v1\", \"apiVersion\": \"v2\"}", path: "-").diagnostics.contains { $0.code == .duplicateKey })
        #expect(lint(flow, path: "secret.json").diagnostics.contains { $0.code == .jsonSyntax })
        #expect(lint("{\"apiVersion\": ", path: "-").diagnostics.contains { $0.code == .jsonSyntax })
    }
}
