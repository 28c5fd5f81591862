import Foundation
import GatewayIR
import NIOCore
@testable import GatewayRuntime
import Testing

/// Authentication and rate limits through the request pipeline (`RequestProcessor.route`, no
/// sockets): modes, credential locations, Secret entry forms, where policies attach and which wins.
@Suite("Policies in the request pipeline")
struct PolicyPipelineTests {
    static let yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway
          listeners:
          - {name: http, port: 8080, protocol: HTTP}
          - {name: internal, port: 9090, protocol: HTTP}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec: {ports: [{port: 8080}]}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: keys-a, namespace: default}
        stringData: {alpha: key-alpha}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: keys-b, namespace: default}
        stringData: {beta: key-beta}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: strict, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /strict}}]
            backendRefs: [{name: echo, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: modes, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - name: optional
            matches: [{path: {type: PathPrefix, value: /optional}}]
            backendRefs: [{name: echo, port: 8080}]
          - name: permissive
            matches: [{path: {type: PathPrefix, value: /permissive}}]
            backendRefs: [{name: echo, port: 8080}]
          - name: query
            matches: [{path: {type: PathPrefix, value: /query}}]
            backendRefs: [{name: echo, port: 8080}]
          - name: cookie
            matches: [{path: {type: PathPrefix, value: /cookie}}]
            backendRefs: [{name: echo, port: 8080}]
          - name: open
            matches: [{path: {type: PathPrefix, value: /open}}]
            backendRefs: [{name: echo, port: 8080}]
        ---
        # On the Gateway: keys-a on every listener, and a request limit on the internal one.
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: gateway-keys, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
          traffic:
            apiKeyAuthentication: {secretRef: {name: keys-a}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: internal-limit, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw, sectionName: internal}]
          traffic:
            rateLimit: {local: [{requests: 2, unit: Minutes}]}
        ---
        # On the route: keys-b replaces the Gateway's keys-a (the more specific attachment wins).
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: route-keys, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: strict}]
          traffic:
            apiKeyAuthentication: {secretRef: {name: keys-b}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: optional, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: modes, sectionName: optional}]
          traffic:
            apiKeyAuthentication: {mode: Optional, secretRef: {name: keys-b}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: permissive, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: modes, sectionName: permissive}]
          traffic:
            apiKeyAuthentication: {mode: Permissive, secretRef: {name: keys-b}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: query, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: modes, sectionName: query}]
          traffic:
            apiKeyAuthentication: {secretRef: {name: keys-b}, location: {queryParameter: {name: key}}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: cookie, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: modes, sectionName: cookie}]
          traffic:
            apiKeyAuthentication: {secretRef: {name: keys-b}, location: {cookie: {name: session}}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: open, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: modes, sectionName: open}]
          traffic:
            apiKeyAuthentication: {mode: Permissive, secretRef: {name: keys-b}}
        """

    /// A processor over the table, the Secrets mounted as Kubernetes does (`keys-b`'s `beta` as a
    /// keyHash entry, plus an unusable entry).
    static func processor() throws -> (RequestProcessor, [String]) {
        let table = try RuntimeSetupTests.table(yaml)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-policy-\(UUID().uuidString)").path
        let files = [
            "default/keys-a/alpha": "key-alpha",
            "default/keys-b/beta": #"{"keyHash": "sha256:\#(APIKeyAuthenticator.digest("key-beta").map { String(format: "%02x", $0) }.joined())", "metadata": {"team": "b"}}"#,
            "default/keys-b/broken": #"{"keyHash": "md5:abc"}"#,
        ]
        for (path, content) in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        let secrets = try SecretStore.load(for: table, directory: directory, environment: [:])
        let processor = RequestProcessor(table: table, secrets: secrets, client: UpstreamClient(), gateway: nil)
        return (processor, processor.policies.warnings)
    }

    static func send(_ processor: RequestProcessor, _ target: String, port: Int = 8080, headers: [(String, String)] = []) -> (RequestProcessor.Routing, AccessRecord) {
        var record = AccessRecord()
        let request = IncomingRequest(method: "GET", target: target, headers: [("host", "gw.example")] + headers, body: .init(), listenerPort: port)
        return (processor.route(request, random: 0, record: &record), record)
    }

    static func status(_ routing: RequestProcessor.Routing) -> Int {
        if case .answer(let response) = routing { return response.status }
        return 200  // forwarded
    }

    @Test func theMoreSpecificAttachmentWins() throws {
        let (processor, _) = try Self.processor()
        #expect(Self.status(Self.send(processor, "/strict").0) == 401)
        #expect(Self.status(Self.send(processor, "/strict", headers: [("authorization", "Bearer key-alpha")]).0) == 401)  // the Gateway's keys
        let (routing, record) = Self.send(processor, "/strict", headers: [("authorization", "Bearer key-beta")])
        #expect(Self.status(routing) == 200)
        #expect(record.client == "beta" && record.authMethod == "api-key")
    }

    @Test func aRefusalHasAChallengeAndNamesNoCredential() throws {
        let (processor, _) = try Self.processor()
        guard case .answer(let response) = Self.send(processor, "/strict", headers: [("authorization", "Bearer wrong-key-123")]).0 else {
            Issue.record("not answered"); return
        }
        #expect(response.status == 401)
        #expect(response.headers.contains { $0.name == "www-authenticate" && $0.value == "Bearer" })
        let body = String(buffer: response.body)
        #expect(body.contains("invalid API key") && !body.contains("wrong-key-123"))
    }

    @Test func theCredentialHeaderDoesNotGoUpstream() throws {
        let (processor, _) = try Self.processor()
        guard case .proxy(let proxy) = Self.send(processor, "/strict", headers: [("authorization", "Bearer key-beta"), ("x-other", "1")]).0 else {
            Issue.record("not proxied"); return
        }
        #expect(!proxy.headers.contains { $0.name.lowercased() == "authorization" })
        #expect(proxy.headers.contains { $0.name == "x-other" })
    }

    @Test func modes() throws {
        let (processor, _) = try Self.processor()
        #expect(Self.status(Self.send(processor, "/optional").0) == 200)
        #expect(Self.status(Self.send(processor, "/optional", headers: [("authorization", "Bearer nope")]).0) == 401)
        #expect(Self.send(processor, "/optional", headers: [("authorization", "Bearer key-beta")]).1.client == "beta")
        #expect(Self.status(Self.send(processor, "/permissive", headers: [("authorization", "Bearer nope")]).0) == 200)
        #expect(Self.send(processor, "/permissive", headers: [("authorization", "Bearer nope")]).1.client == nil)
    }

    @Test func queryAndCookieLocations() throws {
        let (processor, _) = try Self.processor()
        #expect(Self.status(Self.send(processor, "/query?key=key-beta").0) == 200)
        #expect(Self.status(Self.send(processor, "/query", headers: [("authorization", "Bearer key-beta")]).0) == 401)
        #expect(Self.status(Self.send(processor, "/cookie", headers: [("cookie", "a=1; session=key-beta")]).0) == 200)
        #expect(Self.status(Self.send(processor, "/cookie", headers: [("cookie", "session=other")]).0) == 401)
    }

    @Test func anUnusableEntryIsNamedWithoutItsValue() throws {
        let (_, warnings) = try Self.processor()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("entry \"broken\"") == true && warnings.first?.contains("md5:abc") == false)
    }

    @Test func aListenerScopedLimitActsOnlyThere() throws {
        let (processor, _) = try Self.processor()
        let key = [("authorization", "Bearer key-alpha")]
        // The Gateway's keys apply on both listeners (the /open rule's Permissive policy wins there).
        let inside = (0..<3).map { _ in Self.status(Self.send(processor, "/open", port: 9090, headers: key).0) }
        #expect(inside == [200, 200, 429])
        let outside = (0..<3).map { _ in Self.status(Self.send(processor, "/open", port: 8080, headers: key).0) }
        #expect(outside == [200, 200, 200])
    }

    @Test func theChainIsInEvaluationOrderWithTheWinnersOnly() throws {
        let table = try RuntimeSetupTests.table(Self.yaml)
        let strictRule = try #require((0..<table.count(.rules)).first { table.route(table.rule($0).route).name == "strict" })
        let listener = try #require((0..<table.count(.listeners)).first { table.listener($0).name == "internal" })
        let chain = table.policyChain(rule: strictRule, listener: listener).map { "\($0.policy.name) \($0.level.name)" }
        #expect(chain == ["default/route-keys HTTPRoute", "default/internal-limit listener"])
        #expect(table.policyChain(rule: strictRule, listener: nil).map(\.policy.name) == ["default/route-keys"])
    }
}
