import Foundation
import GatewayCompiler
import GatewayIR
import Testing

@Suite("gwc diff")
struct DiffTests {
    static let root = Repo.path("Tests/GatewayCompilerTests/Fixtures/diff")
    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }

    func diff(_ name: String) throws -> ConfigDiff {
        let allow = FileManager.default.fileExists(atPath: "\(Self.root)/\(name)/allow-errors")
        var sides: [ConfigSnapshot] = []
        for side in ["old", "new"] {
            guard case .success(let snapshot) = DiffSide.load("\(Self.root)/\(name)/\(side)", options: LintOptions(), allowErrors: allow) else {
                throw TableError(offset: 0, "\(name)/\(side) did not load")
            }
            sides.append(snapshot)
        }
        return ConfigDiff.compare(sides[0], sides[1])
    }

    @Test(arguments: cases)
    func outputMatchesGolden(_ name: String) throws {
        let result = try diff(name)
        let text = try String(contentsOfFile: "\(Self.root)/\(name)/expected.txt", encoding: .utf8)
        #expect(DiffRenderer.text(result, colorize: false) == text)
        let markdown = try String(contentsOfFile: "\(Self.root)/\(name)/expected.md", encoding: .utf8)
        #expect(DiffRenderer.markdown(result) + "" == markdown)
        let json = try String(contentsOfFile: "\(Self.root)/\(name)/expected.json", encoding: .utf8)
        #expect(JSONWriter.write(DiffRenderer.json(result)) + "\n" == json)
    }

    @Test func reformattingIsNoChange() throws {
        #expect(try diff("reformatting").isEmpty)
    }

    @Test func theSeedsExampleLineAppears() throws {
        let text = DiffRenderer.text(try diff("backend-switch"), colorize: false)
        #expect(text.contains("POST :8080 /anthropic/x            anthropic (claude-opus-4-7) -> openai (gpt-5)"))
        #expect(text.contains("providers.agentgateway: POST :8080 /anthropic/chat/completions"))
    }

    @Test func precedenceMovesTrafficWithoutTouchingTheMovedRoute() throws {
        let result = try diff("precedence")
        #expect(!result.objects.contains { $0.object == "HTTPRoute agentgateway-system/claude" }, "the claude route itself did not change")
        #expect(result.traffic.contains { $0.request.path == "/anthropic/v1" && $0.before.hasPrefix("anthropic") && $0.after.hasPrefix("openai") })
    }

    @Test func noSecretValueInAnyFormat() throws {
        let values = ["fake-anthropic-key-for-local-stand-in", "fake-anthropic-key-rotated-2026-11", "fake-anthropic-key-v2", "fake-client-key-a", "fake-openai-key-for-tests"]
        for name in ["secret-value", "secret-ref", "policy-added", "backend-switch"] {
            let result = try diff(name)
            let outputs = [DiffRenderer.text(result, colorize: false), DiffRenderer.text(result, colorize: true), DiffRenderer.markdown(result), JSONWriter.write(DiffRenderer.json(result))]
            for output in outputs {
                for value in values { #expect(!output.contains(value), "\(name) shows a secret value") }
            }
        }
        let rotated = try diff("secret-value")
        let field = try #require(rotated.objects.first?.fields.first)
        #expect(field.field == "value of key Authorization")
        // Neither a length nor a hash: the same marker whatever the values.
        #expect(field.old == "(hidden)" && field.new == "(hidden, changed)")
    }

    @Test func exitCodesFollowKubectlDiff() throws {
        let cli = CLITests()
        let root = "Tests/GatewayCompilerTests/Fixtures/diff"
        #expect(try cli.gwc(["diff", "\(root)/reformatting/old", "\(root)/reformatting/new"]).status == 0)
        #expect(try cli.gwc(["diff", "\(root)/weights/old", "\(root)/weights/new"]).status == 1)
        let broken = try cli.gwc(["diff", "\(root)/route-removed/old", "\(root)/route-removed/new"])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("error[GW601]"))
        #expect(try cli.gwc(["diff", "\(root)/weights/old", "does/not/exist"]).status == 2)
    }

    @Test func aTableOnOneSideComparesWithManifests() throws {
        let cli = CLITests()
        let table = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-diff-\(getpid()).gwt").path
        defer { try? FileManager.default.removeItem(atPath: table) }
        let root = "Tests/GatewayCompilerTests/Fixtures/diff/model-change"
        #expect(try cli.gwc(["build", "\(root)/old", "-o", table]).status == 0)
        let same = try cli.gwc(["diff", table, "\(root)/old"])
        #expect(same.status == 0, "\(same.stdout)")
        let changed = try cli.gwc(["diff", "--format", "json", table, "\(root)/new"])
        #expect(changed.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(changed.stdout.utf8)) as? [String: Any])
        #expect(object["secretValuesCompared"] as? Bool == false)
        #expect((object["traffic"] as? [[String: Any]])?.first?["after"] as? String == "anthropic (claude-sonnet-4-5)")
    }
}
