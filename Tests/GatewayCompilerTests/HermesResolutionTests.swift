import GatewayCompiler
import GatewayIR
import Testing

/// Lint follows a Hermes request through the same lookup as `gwc route` and gwrun: the route it
/// names is the one the gateway picks, tie-breaks included.
@Suite("Hermes requests resolved by the table's lookup")
struct HermesResolutionTests {
    static func manifests(olderFirst: Bool) -> String {
        let (older, newer) = olderFirst ? ("zeta", "alpha") : ("alpha", "zeta")
        return """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: default}
            spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: default}
            spec: {ports: [{port: 8080}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: \(newer), namespace: default, creationTimestamp: "2026-06-01T00:00:00Z"}
            spec:
              parentRefs: [{name: gw}]
              rules: [{matches: [{path: {type: PathPrefix, value: /v1}}], backendRefs: [{name: echo, port: 8080}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: \(older), namespace: default, creationTimestamp: "2025-01-01T00:00:00Z"}
            spec:
              parentRefs: [{name: gw}]
              rules: [{matches: [{path: {type: PathPrefix, value: /v1}}], backendRefs: [{name: echo, port: 8080}]}]
            ---
            model: {provider: gw, default: m}
            providers:
              gw: {base_url: "http://gw.example:8080/v1", api_mode: chat_completions}
            """
    }

    @Test(arguments: [true, false])
    func theOldestOfTwoEqualMatchesWinsAsInTheTable(olderFirst: Bool) throws {
        let older = olderFirst ? "zeta" : "alpha"
        let result = lint(Self.manifests(olderFirst: olderFirst))
        let reach = try #require(result.diagnostics.first { $0.code == .hermesReaches })
        #expect(reach.message.contains("HTTPRoute default/\(older) rule 0"), "\(reach.message)")
        // And `gwc route`'s explanation of the same request agrees.
        let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
        let explained = RouteExplanation.explain(table, RouteRequest(port: 8080, host: "gw.example", method: "POST", path: "/v1/chat/completions"), gateway: nil)
        #expect(explained.routeName == older, "\(String(describing: explained.routeName))")
    }
}
