import Crypto
import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// TLS to backends in gwc (docs/upstream-tls.md): BackendTLSPolicy and `policies.tls` decoded,
/// checked and compiled into the table's upstream-tls records; CAs from ConfigMaps into the table,
/// Secrets as references; what cannot be read refuses rather than trusting nothing less.
@Suite("Backend TLS")
struct BackendTLSTests {
    static let caPEM: String = {
        // A CA made here (swift-certificates, fresh P-256 key): nothing committed.
        (try? CertificateLintTests.issue(names: ["test-ca"], notAfter: Date().addingTimeInterval(86_400), subject: "gwc test CA").pair.certificate) ?? ""
    }()

    static func configMap(_ name: String = "backend-ca") -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: apps}\ndata:\n  ca.crt: |\n"
            + caPEM.split(separator: "\n").map { "    \($0)\n" }.joined()
    }

    static func routeToService(_ extra: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: apps}
        spec:
          gatewayClassName: agentgateway
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: apps}
        spec:
          parentRefs: [{name: gw}]
          rules: [{backendRefs: [{name: billing, port: 8443}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: billing, namespace: apps}
        spec: {ports: [{name: https, port: 8443}]}
        ---
        \(extra)
        """
    }

    static func compiled(_ text: String) throws -> (LintResult, RouteTable) {
        let result = lint(text)
        return (result, try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result))))
    }

    static let policy = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: billing-tls, namespace: apps}
        spec:
          targetRefs: [{group: "", kind: Service, name: billing}]
          validation:
            hostname: billing.apps.example
            caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]
        """

    @Test func aBackendTLSPolicyGivesTheServiceVerifiedTLSWithTheConfigMapsCA() throws {
        let (result, table) = try Self.compiled(Self.routeToService(Self.policy + "\n---\n" + Self.configMap()))
        #expect(result.diagnostics.filter { $0.severity != .note }.isEmpty, "\(result.diagnostics.map(\.message))")
        let backend = try #require((0..<table.count(.backends)).map(table.backend).first { $0.name == "billing" })
        let tls = try #require(backend.tls)
        #expect(tls.verification == .full)
        #expect(tls.sni == "billing.apps.example")
        #expect(tls.names == ["billing.apps.example"])
        let first = try #require(tls.caCertificates.first)
        let der = try #require(Data(base64Encoded: first))
        #expect(tls.caCertificates.count == 1 && !tls.usesSystemTrust && der.count > 100)
        let route = RouteExplanation.explain(table, RouteRequest(port: 8080, host: "x", path: "/"), gateway: nil)
        #expect(route.text.contains("tls:       verified; SNI billing.apps.example; names billing.apps.example; CAs sha256:"), "\(route.text)")
    }

    @Test func withoutTheConfigMapLintRefusesAndTheTableRefusesToConnect() throws {
        let text = Self.routeToService(Self.policy)
        let (result, table) = try Self.compiled(text)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("caCertificateRefs") }) + 1
        #expect(result.diagnostics.contains { $0.code == .backendTLSSourceMissing && $0.location.line == line })
        let tls = try #require((0..<table.count(.backends)).compactMap { table.backend($0).tls }.first)
        #expect(tls.verification == .refuse)
    }

    @Test func policyMistakesAreReportedWhereTheyAre() {
        let text = Self.routeToService("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: mixed, namespace: apps}
            spec:
              targetRefs:
                - {group: "", kind: Service, name: billing, sectionName: https}
                - {group: "", kind: Service, name: missing}
              validation:
                hostname: billing.apps.example
                wellKnownCACertificates: System
                caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]
            """ + "\n---\n" + Self.configMap())
        let codes = Set(lint(text).diagnostics.map(\.code.rawValue))
        #expect(codes.isSuperset(of: ["GW420", "GW405", "GW403"]), "\(codes)")
    }

    @Test func policiesTLSKeepsSecretsAsReferencesAndWarnsWhenUnverified() throws {
        let text = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: llm, namespace: apps}
            spec:
              static: {host: llm.internal, port: 443}
              policies:
                tls:
                  caCertificateRefs: [{kind: Secret, name: llm-ca}]
                  mtlsCertificateRef: [{name: gateway-client}]
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: lab, namespace: apps}
            spec:
              static: {host: lab.internal, port: 443}
              policies:
                tls: {insecureSkipVerify: All}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: llm-ca, namespace: apps}
            stringData:
              ca.crt: "\(Self.caPEM.replacingOccurrences(of: "\n", with: "\\n"))"
            """
        let (result, table) = try Self.compiled(text)
        // The client certificate's Secret is not among the inputs: GW400, as for backend auth.
        #expect(result.diagnostics.contains { $0.code == .backendSecretNotFound && $0.message.contains("gateway-client") })
        #expect(result.diagnostics.contains { $0.code == .backendTLSUnverified && $0.location.line == 17 })
        let records = (0..<table.count(.backends)).map(table.backend)
        let llm = try #require(records.first { $0.name == "llm" }?.tls)
        #expect(llm.caSecret?.key == "ca.crt" && llm.caCertificates.isEmpty)
        #expect(llm.clientCertificate?.key == "tls.crt" && llm.clientKey?.key == "tls.key" && llm.clientCertificate?.name == "gateway-client")
        #expect(records.first { $0.name == "lab" }?.tls?.verification == UpstreamVerification.none)
        let bytes = TableWriter.bytes(of: TableCompiler.compile(result))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("BEGIN CERTIFICATE"))
    }

    @Test func aHostOverrideWithTLSIsNotPlainHTTP() {
        let text = """
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: proxy, namespace: apps}
            spec:
              ai:
                provider: {openai: {model: gpt-4o}, host: llm-proxy.example.com, port: 443}
              policies:
                tls: {sni: llm-proxy.example.com}
            """
        #expect(!lint(text).diagnostics.contains { $0.code == .providerPlainHTTP })
        #expect(lint(text.replacingOccurrences(of: "    tls: {sni: llm-proxy.example.com}\n", with: "").replacingOccurrences(of: "  policies:\n", with: ""))
            .diagnostics.contains { $0.code == .providerPlainHTTP })
    }
}

extension BackendTLSTests {
    @Test func aPolicysBackendTLSAppliesAndASecondSettingIsReportedAsIgnored() throws {
        let text = Self.routeToService("""
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayPolicy
            metadata: {name: billing-mtls, namespace: apps}
            spec:
              targetRefs: [{group: "", kind: Service, name: billing}]
              backend:
                tls: {sni: billing.internal, caCertificateRefs: [{name: backend-ca}]}
            """ + "\n---\n" + Self.policy + "\n---\n" + Self.configMap())
        let (result, table) = try Self.compiled(text)
        let conflict = try #require(result.diagnostics.first { $0.code == .policyConflict })
        #expect(conflict.message.contains("BackendTLSPolicy apps/billing-tls sets TLS to Service apps/billing, but AgentgatewayPolicy apps/billing-mtls does too and wins"))
        let tls = try #require((0..<table.count(.backends)).compactMap { table.backend($0).tls }.first)
        #expect(tls.sni == "billing.internal" && tls.names.isEmpty)
    }
}
