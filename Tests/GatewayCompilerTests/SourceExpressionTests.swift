@testable import GatewayCompiler
import GatewayIR
import Testing

/// The CEL subset networkAuthorization compiles to (GW423 for the rest).
@Suite("networkAuthorization expressions")
struct SourceExpressionTests {
    func evaluate(_ text: String, _ address: [UInt8]) -> Bool? {
        guard case .success(let expression) = SourceExpressionParser.parse(text) else { return nil }
        return expression.evaluate(address)
    }

    @Test func cidrTestsWithNotAndOr() {
        let ten = "cidr('10.0.0.0/8').containsIP(source.address)"
        #expect(evaluate(ten, [10, 1, 1, 1]) == true)
        #expect(evaluate("!" + ten, [10, 1, 1, 1]) == false)
        #expect(evaluate("\(ten) && !cidr(\"10.9.0.0/16\").containsIP(source.address)", [10, 9, 1, 1]) == false)
        #expect(evaluate("cidr('192.0.2.0/24').containsIP(source.address) || \(ten)", [10, 9, 1, 1]) == true)
        #expect(evaluate("(false || \(ten)) && true", [10, 0, 0, 1]) == true)
        // && binds tighter than ||, as in CEL.
        #expect(evaluate("true || false && false", [1, 1, 1, 1]) == true)
    }

    @Test func everythingElseIsRefusedWithItsColumn() {
        for (text, offset) in [("request.headers['x'] == 'y'", 0), ("cidr('10.0.0.0/33').containsIP(source.address)", 5), ("cidr('10.0.0.0/8').containsIP(source.port)", 37),
                               ("cidr('10.0.0.0/8').containsIP(source.address) ||", 48), ("cidr('10.0.0.0/8'", 17), ("source.address == '1.2.3.4'", 0)] {
            guard case .failure(let failure) = SourceExpressionParser.parse(text) else { Issue.record("compiled \(text)"); continue }
            #expect(failure.offset == offset, "\(text): \(failure.message)")
        }
    }

    @Test func aRuleThatDoesNotCompileIsAnErrorAndNoTable() {
        let result = lint("""
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: p, namespace: default}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
              frontend: {networkAuthorization: {policy: {matchExpressions: ["source.address.startsWith('10.')"]}}}
            """)
        #expect(result.diagnostics.contains { $0.code == .sourceRuleUnsupported && $0.location.line == 6 })
    }
}

/// GW606 counts a port whose networkAuthorization admits only LAN clients as not exposed.
@Suite("Source rules and exposure")
struct SourceRuleExposureTests {
    func gw606(_ expressions: [(action: String, expression: String)]) -> Bool {
        var yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: default}
            spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: default}
            spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: ai}]}]}
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: ai, namespace: default}
            spec: {ai: {provider: {openai: {model: m}}}}
            """
        for (index, rule) in expressions.enumerated() {
            yaml += "\n---\napiVersion: agentgateway.dev/v1alpha1\nkind: AgentgatewayPolicy\nmetadata: {name: p\(index), namespace: default}\nspec:\n"
                + "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]\n"
                + "  frontend: {networkAuthorization: {action: \(rule.action), policy: {matchExpressions: [\"\(rule.expression)\"]}}}\n"
        }
        return lint(yaml).diagnostics.contains { $0.code == .openAIRouteWithoutAuth }
    }

    @Test func onlyRulesThatAdmitNoPublicAddressSilenceIt() {
        #expect(gw606([]))
        #expect(!gw606([("Allow", "cidr('10.0.0.0/8').containsIP(source.address)")]))
        #expect(!gw606([("Allow", "cidr('10.0.0.0/8').containsIP(source.address) || cidr('fd00::/8').containsIP(source.address)")]))
        #expect(gw606([("Allow", "cidr('10.0.0.0/7').containsIP(source.address)")]), "11.0.0.0/8 is public")
        #expect(gw606([("Deny", "cidr('203.0.113.0/24').containsIP(source.address)")]), "a Deny rule leaves everything else open")
        #expect(!gw606([("Require", "cidr('192.168.0.0/16').containsIP(source.address)")]))
        #expect(gw606([("Allow", "!cidr('8.8.8.0/24').containsIP(source.address)")]))
        #expect(!gw606([("Allow", "cidr('0.0.0.0/0').containsIP(source.address)"), ("Require", "cidr('127.0.0.0/8').containsIP(source.address) || cidr('::1/128').containsIP(source.address)")]))
    }

    @Test func networkEnds() {
        #expect(CIDRBlock("10.0.0.0/8")?.end == [11, 0, 0, 0])
        #expect(CIDRBlock("10.255.255.255/32")?.end == [11, 0, 0, 0])
        #expect(CIDRBlock("255.0.0.0/8")?.end == nil)
        #expect(CIDRBlock("0.0.0.0/0")?.end == nil)
    }
}
