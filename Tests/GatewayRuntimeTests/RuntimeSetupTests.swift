import Foundation
import GatewayCompiler
import GatewayIR
import GatewayRuntime
import Testing

@Suite("gwrun start-up: secrets, serve plan, provider endpoints")
struct RuntimeSetupTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func table(_ yaml: String) throws -> RouteTable {
        let result = Linter().lint([SourceFile(path: "t.yaml", text: yaml)])
        return try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
    }

    static func seedTable(local: Bool = false) throws -> RouteTable {
        let path = Self.repo.appendingPathComponent(local ? "samples/hermes-anthropic-local/gateway.yaml" : "samples/hermes-anthropic/gateway.yaml").path
        return try table(try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func aMissingSecretStopsStartUpNamingTheReferenceNotAValue() throws {
        let table = try Self.seedTable()
        do {
            _ = try SecretStore.load(for: table, directory: "/nonexistent", environment: [:])
            Issue.record("start-up went on without the secret")
        } catch let error as SecretStore.MissingSecret {
            #expect(error.description.contains("Secret agentgateway-system/anthropic-secret key Authorization"))
            #expect(error.description.contains("GWRUN_SECRET_AGENTGATEWAY_SYSTEM_ANTHROPIC_SECRET_AUTHORIZATION"))
        }
    }

    @Test func secretsComeFromTheEnvironmentWithBearerStripped() throws {
        let table = try Self.seedTable()
        let store = try SecretStore.load(for: table, directory: nil, environment: ["GWRUN_SECRET_AGENTGATEWAY_SYSTEM_ANTHROPIC_SECRET_AUTHORIZATION": "Bearer sk-fake-123\n"])
        let reference = SecretStore.Reference(namespace: "agentgateway-system", name: "anthropic-secret", key: "Authorization")
        #expect(store.credential(for: reference) == "sk-fake-123")
        #expect("\(store)".contains("sk-fake") == false)
    }

    @Test func twoGatewaysOnOnePortAreRefusedUnlessOneIsChosen() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: a, namespace: default}
            spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: b, namespace: default}
            spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
            """
        let table = try Self.table(yaml)
        #expect(throws: ServePlan.Refusal.self) { try ServePlan.make(table: table, gatewayName: nil) }
        let plan = try ServePlan.make(table: table, gatewayName: "default/b")
        #expect(plan.ports == [8080] && plan.gateway == 1)
        #expect(throws: ServePlan.Refusal.self) { try ServePlan.make(table: table, gatewayName: "default/c") }
    }

    @Test func providersGoToTheirDefaultEndpointOrTheOverride() throws {
        let seed = try Self.seedTable()
        #expect(ProviderEndpoint.resolve(table: seed, provider: 0, suffix: "/messages")?.url == "https://api.anthropic.com:443/v1/messages")
        let local = try Self.seedTable(local: true)
        #expect(ProviderEndpoint.resolve(table: local, provider: 0, suffix: "/messages")?.url == "http://127.0.0.1:18090/v1/messages")
    }
}

/// A secret reference never reads outside `--secrets-dir` (the table verifier refuses such names,
/// and the store checks again and follows links only inside the directory).
@Suite("gwrun secrets stay inside --secrets-dir")
struct SecretContainmentTests {
    static let reference = "agentgateway-system/anthropic-secret/Authorization"

    func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gwrun-secrets-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("agentgateway-system/anthropic-secret"), withIntermediateDirectories: true)
        return url
    }

    @Test func aKubernetesMountWithDataLinksIsRead() throws {
        let root = try directory("mount")
        defer { try? FileManager.default.removeItem(at: root) }
        let secret = root.appendingPathComponent("agentgateway-system/anthropic-secret")
        try FileManager.default.createDirectory(at: secret.appendingPathComponent("..2026_12_01"), withIntermediateDirectories: true)
        try "sk-mounted".write(to: secret.appendingPathComponent("..2026_12_01/Authorization"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: secret.appendingPathComponent("..data").path, withDestinationPath: "..2026_12_01")
        try FileManager.default.createSymbolicLink(atPath: secret.appendingPathComponent("Authorization").path, withDestinationPath: "..data/Authorization")
        let store = try SecretStore.load(for: try RuntimeSetupTests.seedTable(), directory: root.path, environment: [:])
        #expect(store.credential(for: SecretStore.Reference(namespace: "agentgateway-system", name: "anthropic-secret", key: "Authorization")) == "sk-mounted")
    }

    @Test func aLinkOutOfTheDirectoryIsNotFollowed() throws {
        let root = try directory("escape")
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("gwrun-outside-\(ProcessInfo.processInfo.processIdentifier)")
        try "not-a-secret-of-ours".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent(Self.reference).path, withDestinationPath: outside.path)
        #expect(throws: SecretStore.MissingSecret.self) { try SecretStore.load(for: try RuntimeSetupTests.seedTable(), directory: root.path, environment: [:]) }
    }

    @Test func aTraversingKeyNeverReachesATable() throws {
        let yaml = try String(contentsOfFile: RuntimeSetupTests.repo.appendingPathComponent("samples/broken/invalid-secret-reference.yaml").path, encoding: .utf8)
        let result = Linter().lint([SourceFile(path: "t.yaml", text: yaml)])
        #expect(result.diagnostics.filter { $0.code == .invalidSecretName }.count == 2)
        // What --allow-errors builds: the reference is left out, and the table verifies.
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        #expect(table.count(.secretRefs) == 0)
    }

    @Test func theVerifierRefusesATraversingReferenceAndControlCharacters() throws {
        for (name, key) in [("provider-key", "../../../../etc/hostname"), ("provider-key", ".."), ("../x", "Authorization"), ("provider-key", "a\u{07}b")] {
            var model = TableModel()
            model.append(.secretRefs, [model.intern("default"), model.intern(name), model.intern(key)])
            #expect(throws: TableError.self, "\(name) \(key)") { try RouteTable(bytes: TableWriter.bytes(of: model)) }
        }
        var model = TableModel()
        model.append(.secretRefs, [model.intern("default"), model.intern("provider-key"), model.intern("Authorization")])
        _ = try RouteTable(bytes: TableWriter.bytes(of: model))
    }
}
