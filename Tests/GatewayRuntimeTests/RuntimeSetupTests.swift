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
