import Foundation
import GatewayIR
import NIOCore
import Testing

@testable import GatewayRuntime

/// What an AI route sends to its provider, decided before any network: the operation for the
/// route type (or a refusal), the headers, and the timeout from every place that sets one.
@Suite("AI routes: operations, headers, timeouts")
struct AIRouteTests {
    static let yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: ai, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /claude}}]
            filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-team, value: platform}]}}]
            backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: claude}]
          - matches: [{path: {type: PathPrefix, value: /fast}}]
            backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: claude}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: claude, namespace: default}
        spec:
          ai: {provider: {anthropic: {model: claude-opus-4-7}}}
          policies:
            ai: {routes: {/v1/messages: Messages, /v1/embeddings: Embeddings}}
            auth: {secretRef: {name: key}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: key, namespace: default}
        stringData: {Authorization: sk-backend}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: slow-backend, namespace: default}
        spec:
          targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: claude}]
          backend: {http: {requestTimeout: 40s}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: fast-route, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: ai}]
          traffic: {timeouts: {request: 7s}}
        """

    final class Setup {
        let client = UpstreamClient()
        let processor: RequestProcessor
        init() throws {
            let table = try RuntimeSetupTests.table(AIRouteTests.yaml)
            let secrets = try SecretStore.load(for: table, directory: nil, environment: ["GWRUN_SECRET_DEFAULT_KEY_AUTHORIZATION": "sk-backend"])
            processor = RequestProcessor(table: table, secrets: secrets, client: client, gateway: nil)
        }
        deinit { client.shutdown() }

        func exchange(_ path: String, headers: [(name: String, value: String)] = []) -> (exchange: AIExchange, rule: Int?)? {
            var record = AccessRecord()
            let request = IncomingRequest(method: "POST", target: path, headers: [("host", "gw")] + headers, body: ByteBuffer(string: "{\"model\":\"m\",\"input\":\"x\"}"), listenerPort: 8080)
            guard case .ai(let backend, let rule, let forwarded) = processor.route(request, random: 0, record: &record) else { return nil }
            return (AIExchange(processor: processor, request: request, backend: backend, headers: forwarded, timeout: processor.timeout(rule: rule, backend: backend)), rule)
        }
    }

    @Test func aRouteTypeTheProviderLacksIsRefusedNamingBoth() async throws {
        let setup = try Setup()
        let found = try #require(setup.exchange("/claude/v1/embeddings"))
        var record = AccessRecord()
        let answer = await found.exchange.run(record: &record)
        #expect(answer.status == 400)
        let text = String(buffer: answer.body)
        #expect(text.contains("route type Embeddings") && text.contains("provider anthropic"), "\(text)")
    }

    @Test func theClientsHeadersAndTheRulesModifiersReachTheProviderButNotItsCredential() throws {
        let setup = try Setup()
        let found = try #require(setup.exchange("/claude/v1/messages", headers: [("authorization", "Bearer client-key"), ("anthropic-beta", "tools-2024"), ("user-agent", "claude-cli")]))
        let upstream = try #require(found.exchange.upstreamRequest(provider: 0, suffix: "/messages", anthropic: true, accept: "application/json", body: ByteBuffer()))
        let names = upstream.headers.map { $0.name.lowercased() }
        #expect(upstream.headers.contains { $0.name == "x-team" && $0.value == "platform" }, "the rule's RequestHeaderModifier")
        #expect(upstream.headers.contains { $0.name == "anthropic-beta" && $0.value == "tools-2024" })
        #expect(upstream.headers.contains { $0.name == "x-api-key" && $0.value == "sk-backend" })
        #expect(!names.contains("authorization"), "the client's credential is not forwarded")
        #expect(names.filter { $0 == "content-type" }.count == 1)
    }

    @Test func timeoutsFromPoliciesOnTheRouteAndTheBackendApply() throws {
        let setup = try Setup()
        let found = try #require(setup.exchange("/fast/v1/messages"))
        // The route's policy (7 s) is shorter than the backend's (40 s) and --upstream-timeout (300 s).
        #expect(found.exchange.timeout == .seconds(7))
        let table = setup.processor.table
        let backend = try #require((0..<table.count(.backends)).first { table.string(table.word(.backends, $0, Field.Backend.name)) == "claude" })
        #expect(setup.processor.timeout(rule: nil, backend: backend) == .seconds(40), "a policy targeting the backend")
    }
}
