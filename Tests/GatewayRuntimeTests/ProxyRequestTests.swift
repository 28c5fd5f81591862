import Foundation
import GatewayIR
import GatewayRuntime
import NIOCore
import Testing

/// What a proxied request carries upstream, and the redirects gwrun answers itself.
@Suite("Proxied request: Host, URLRewrite, redirects")
struct ProxyRequestTests {
    static let yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
          - name: https
            port: 8443
            protocol: HTTPS
            tls: {mode: Terminate, certificateRefs: [{name: cert}]}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: cert, namespace: default}
        type: kubernetes.io/tls
        data: {tls.crt: eA==, tls.key: eA==}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec: {ports: [{port: 8080}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /plain}}]
            backendRefs: [{name: echo, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /rewrite}}]
            filters: [{type: URLRewrite, urlRewrite: {hostname: rewritten.example, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]
            backendRefs: [{name: echo, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /moved}}]
            filters: [{type: RequestRedirect, requestRedirect: {hostname: other.example}}]
        """

    func route(_ path: String, port: Int = 8080, host: String = "client.example") throws -> RequestProcessor.Routing {
        let table = try RuntimeSetupTests.table(Self.yaml)
        let client = UpstreamClient()
        defer { client.shutdown() }
        let processor = RequestProcessor(table: table, secrets: SecretStore(), client: client, gateway: nil)
        var record = AccessRecord()
        let request = IncomingRequest(method: "GET", target: path, headers: [("host", host), ("accept", "*/*")], body: .init(), listenerPort: port)
        return processor.route(request, random: 0, record: &record)
    }

    @Test func theClientsHostIsKept() throws {
        guard case .proxy(let proxy) = try route("/plain/x?y=1") else { Issue.record("not proxied"); return }
        #expect(proxy.host == "echo.default.svc.cluster.local" && proxy.port == 8080)
        #expect(proxy.hostHeader == "client.example")
        #expect(proxy.target == "/plain/x?y=1")
    }

    @Test func aURLRewriteChangesHostAndPath() throws {
        guard case .proxy(let proxy) = try route("/rewrite/a/b?q=2") else { Issue.record("not proxied"); return }
        #expect(proxy.hostHeader == "rewritten.example")
        #expect(proxy.target == "/new/a/b?q=2")
    }

    @Test func aRedirectWithoutSchemeKeepsTheListenersSchemeAndDropsItsDefaultPort() throws {
        guard case .answer(let https) = try route("/moved/p", port: 8443) else { Issue.record("not answered"); return }
        #expect(https.status == 302)
        #expect(https.headers.first { $0.name == "location" }?.value == "https://other.example:8443/moved/p")
        guard case .answer(let http) = try route("/moved/p") else { Issue.record("not answered"); return }
        #expect(http.headers.first { $0.name == "location" }?.value == "http://other.example:8080/moved/p")
    }
}
