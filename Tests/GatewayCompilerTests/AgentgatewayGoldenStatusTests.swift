import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// agentgateway's controller golden tests (Fixtures/agentgateway-translator, Apache-2.0): the
/// conditions gwc computes must equal the `status:` of each file's `# Output` part in type,
/// status and reason.
@Suite("agentgateway translator golden status")
struct AgentgatewayGoldenStatusTests {
    static let root = Repo.path("Tests/GatewayCompilerTests/Fixtures/agentgateway-translator")

    static var cases: [String] {
        ["backends", "routes"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)")) ?? [])
                .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("_") }.map { "\(folder)/\($0)" }
        }.sorted()
    }

    @Test(arguments: cases)
    func statusMatchesGolden(_ name: String) throws {
        let text = try String(contentsOfFile: "\(Self.root)/\(name)", encoding: .utf8)
        let parts = text.components(separatedBy: "# Output\n")
        try #require(parts.count == 2)
        let folder = name.split(separator: "/")[0]
        let defaults = try String(contentsOfFile: "\(Self.root)/\(folder)/_defaults.yaml", encoding: .utf8)
        let result = Linter().lint([SourceFile(path: "_defaults.yaml", text: defaults), SourceFile(path: name, text: parts[0])])

        let expected = YAMLLoader().load(SourceFile(path: "expected.yaml", text: parts[1])).documents.first?.root
        guard case .sequence(let items, _)? = expected?["status"] else {
            Issue.record("no status in \(name)")
            return
        }
        #expect(!items.isEmpty)
        for item in items {
            let kind = item["kind"]?.scalarText ?? "", metadata = item["metadata"]
            let namespace = metadata?["namespace"]?.scalarText ?? "", objectName = metadata?["name"]?.scalarText ?? ""
            let want: [String]
            let have: [String]
            switch kind {
            case "HTTPRoute":
                guard case .sequence(let parents, _)? = item["status"]?["parents"] else { continue }
                want = parents.flatMap(Self.summaries)
                have = result.status.routes.first { $0.key.namespace == namespace && $0.key.name == objectName }?.parents.flatMap { $0.conditions.map(\.summary) } ?? []
            case "AgentgatewayBackend":
                want = item["status"].map(Self.summaries) ?? []
                have = result.status.backends.first { $0.key.namespace == namespace && $0.key.name == objectName }?.conditions.map(\.summary) ?? []
            default:
                continue
            }
            #expect(have.sorted() == want.sorted(), "\(name): \(kind) \(namespace)/\(objectName)")
        }
    }

    static func summaries(_ node: Node) -> [String] {
        guard case .sequence(let conditions, _)? = node["conditions"] else { return [] }
        return conditions.map { "\($0["type"]?.scalarText ?? "")=\($0["status"]?.scalarText ?? "")/\($0["reason"]?.scalarText ?? "")" }
    }
}
