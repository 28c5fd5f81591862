import Foundation
import GatewayIR
@testable import GatewayRuntime
import NIOCore
import Testing

/// `traffic.headerModifiers`, `directResponse` and `hostRewrite` through the request pipeline.
@Suite("Header, direct-response and host policies")
struct TrafficPolicyTests {
    static let yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: named, namespace: default}
        spec: {static: {host: api.internal.example, port: 8443}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: address, namespace: default}
        spec: {static: {host: 10.0.0.7, port: 80}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - name: headers
            matches: [{path: {type: PathPrefix, value: /headers}}]
            filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-order, value: filter}]}}]
            backendRefs: [{name: address, group: agentgateway.dev, kind: AgentgatewayBackend}]
          - name: direct
            matches: [{path: {type: PathPrefix, value: /direct}}]
            backendRefs: [{name: address, group: agentgateway.dev, kind: AgentgatewayBackend}]
          - name: named
            matches: [{path: {type: PathPrefix, value: /named}}]
            backendRefs: [{name: named, group: agentgateway.dev, kind: AgentgatewayBackend}]
          - name: kept
            matches: [{path: {type: PathPrefix, value: /kept}}]
            backendRefs: [{name: named, group: agentgateway.dev, kind: AgentgatewayBackend}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: headers, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: headers}]
          traffic:
            headerModifiers:
              request: {set: [{name: x-order, value: policy}], add: [{name: x-team, value: blue}], remove: [x-debug]}
              response: {set: [{name: x-served-by, value: gwrun}], remove: [server]}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: direct, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: direct}]
          traffic:
            directResponse: {status: 418, body: "short and stout", headers: [{name: x-kettle, value: '"on"'}, {name: x-dynamic, value: request.path}]}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: keep-host, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: kept}]
          traffic:
            hostRewrite: {mode: None}
        """

    static func route(_ path: String, headers: [(String, String)] = []) throws -> (RequestProcessor.Routing, AccessRecord, RequestProcessor) {
        let table = try RuntimeSetupTests.table(yaml)
        let processor = RequestProcessor(table: table, secrets: SecretStore(), client: UpstreamClient(), gateway: nil)
        var record = AccessRecord()
        let request = IncomingRequest(method: "GET", target: path, headers: [("host", "gw.example")] + headers, body: .init(), listenerPort: 8080)
        return (processor.route(request, random: 0, record: &record), record, processor)
    }

    @Test func requestHeadersChangeAfterTheFiltersAndTheAnswerGetsTheResponseOnes() throws {
        let (routing, record, processor) = try Self.route("/headers", headers: [("x-debug", "1"), ("x-team", "red")])
        guard case .proxy(let proxy) = routing else { Issue.record("not proxied"); return }
        #expect(proxy.headers.contains { $0 == ("x-order", "policy") })
        #expect(proxy.headers.contains { $0.name == "x-team" && $0.value == "red,blue" })
        #expect(!proxy.headers.contains { $0.name == "x-debug" })
        var answer: [(name: String, value: String)] = [("server", "upstream/1"), ("content-type", "text/plain")]
        RequestPipeline.observe(&answer, status: 200, rule: proxy.rule, record: record, processor: processor)
        #expect(answer.contains { $0 == ("x-served-by", "gwrun") } && !answer.contains { $0.name == "server" })
    }

    @Test func aDirectResponseAnswersWithoutTheBackend() throws {
        guard case .answer(let response) = try Self.route("/direct").0 else { Issue.record("not answered"); return }
        #expect(response.status == 418 && String(buffer: response.body) == "short and stout")
        #expect(response.headers.contains { $0 == ("x-kettle", "on") })
        // A CEL header value gwrun cannot evaluate is left out (gwc lint: GW420).
        #expect(!response.headers.contains { $0.name == "x-dynamic" })
    }

    @Test func theHostIsTheBackendsForAHostNamedStaticBackendUnlessNone() throws {
        guard case .proxy(let named) = try Self.route("/named").0, case .proxy(let kept) = try Self.route("/kept").0,
              case .proxy(let address) = try Self.route("/headers").0 else { Issue.record("not proxied"); return }
        #expect(named.hostHeader == "api.internal.example:8443")
        #expect(kept.hostHeader == "gw.example")
        #expect(address.hostHeader == "gw.example")
    }
}
