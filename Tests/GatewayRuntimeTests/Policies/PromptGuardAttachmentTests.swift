import GatewayIR
@testable import GatewayRuntime
import Testing

/// Where prompt guards come from: an AgentgatewayBackend's own `policies.ai.promptGuard` reaches
/// the table and beats a policy that targets the backend, which beats one on the route.
@Suite("Prompt guard attachment")
struct PromptGuardAttachmentTests {
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
        metadata: {name: own, namespace: default}
        spec:
          ai: {provider: {openai: {model: m}}}
          policies:
            ai:
              promptGuard:
                request: [{regex: {action: Reject, builtins: [Ssn]}}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: plain, namespace: default}
        spec:
          ai: {provider: {openai: {model: m}}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /own}}]
            backendRefs: [{name: own, group: agentgateway.dev, kind: AgentgatewayBackend}]
          - matches: [{path: {type: PathPrefix, value: /plain}}]
            backendRefs: [{name: plain, group: agentgateway.dev, kind: AgentgatewayBackend}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: on-backends, namespace: default}
        spec:
          targetRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: own}, {group: agentgateway.dev, kind: AgentgatewayBackend, name: plain}]
          backend: {ai: {promptGuard: {request: [{regex: {action: Mask, builtins: [Email]}}]}}}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: on-route, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
          backend: {ai: {promptGuard: {request: [{regex: {action: Mask, builtins: [PhoneNumber]}}]}}}
        """

    @Test func theMostSpecificGuardWins() throws {
        let table = try RuntimeSetupTests.table(Self.yaml)
        func chain(_ path: String) throws -> [String] {
            let rule = try #require((0..<table.count(.rules)).first { rule in
                table.backendRef(table.rule(rule).backendRefs.lowerBound).name == path
            })
            return table.policyChain(rule: rule, listener: 0).map { "\($0.policy.name) \($0.level.name) \($0.policy.guardBuiltins.joined())" }
        }
        #expect(try chain("own") == ["default/own (AgentgatewayBackend policies) AgentgatewayBackend's own policies Ssn"])
        #expect(try chain("plain") == ["default/on-backends backend Email"])
    }
}
