import Crypto
import Foundation
@testable import GatewayCompiler
import GatewayIR
import SwiftASN1
import Testing
import X509

/// The certificate checks (GW324–GW329) on pairs made here with swift-certificates and fresh P-256
/// keys: nothing that looks like a real key is committed.
@Suite("Certificate checks")
struct CertificateLintTests {
    struct Pair {
        var certificate: String
        var key: String
    }

    static func issue(names: [String], notBefore: Date = Date().addingTimeInterval(-3600), notAfter: Date, subject: String = "gwc test",
                      issuerName: String? = nil, issuerKey: P256.Signing.PrivateKey? = nil) throws -> (pair: Pair, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let subjectName = try DistinguishedName { CommonName(subject) }
        let issuer = try issuerName.map { name in try DistinguishedName { CommonName(name) } } ?? subjectName
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey), notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: issuer, subject: subjectName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames(names.map { .dnsName($0) }) },
            issuerPrivateKey: .init(issuerKey ?? key))
        let pem = try certificate.serializeAsPEM().pemString
        return (Pair(certificate: pem, key: try Certificate.PrivateKey(key).serializeAsPEM().pemString), key)
    }

    /// Lints a Gateway with one HTTPS listener for `hostname` and the Secret holding `pair`.
    func findings(_ pair: Pair, hostname: String = "api.example.com") -> [(code: String, line: Int)] {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\n", with: "\\n") + "\"" }
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: default}
            spec:
              gatewayClassName: agentgateway
              listeners:
                - {name: https, port: 443, protocol: HTTPS, hostname: "\(hostname)", tls: {certificateRefs: [{name: api-cert}]}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: api-cert, namespace: default}
            type: kubernetes.io/tls
            stringData:
              tls.crt: \(quoted(pair.certificate))
              tls.key: \(quoted(pair.key))
            """
        return lint(yaml).diagnostics.filter { $0.code.rawValue.hasPrefix("GW32") || $0.code.rawValue == "GW310" }.map { ($0.code.rawValue, $0.location.line) }
    }

    @Test func aGoodPairGetsOnlyItsValidity() throws {
        let (pair, _) = try Self.issue(names: ["api.example.com"], notAfter: Date().addingTimeInterval(90 * 86_400))
        let found = findings(pair)
        #expect(found.map(\.code) == ["GW329"])
        #expect(found.first?.line == 14, "at the Secret's tls.crt")
    }

    @Test func wildcardsCoverOneLabel() throws {
        let (pair, _) = try Self.issue(names: ["*.example.com"], notAfter: Date().addingTimeInterval(90 * 86_400))
        #expect(findings(pair, hostname: "api.example.com").map(\.code) == ["GW329"])
        #expect(findings(pair, hostname: "deep.api.example.com").map(\.code).contains("GW325"))
        #expect(findings(pair, hostname: "*.example.com").map(\.code) == ["GW329"])
        #expect(findings(pair, hostname: "other.org").map(\.code).contains("GW325"))
    }

    @Test func expiredExpiringAndNotYetValid() throws {
        let expired = try Self.issue(names: ["api.example.com"], notBefore: Date().addingTimeInterval(-30 * 86_400), notAfter: Date().addingTimeInterval(-86_400)).pair
        #expect(findings(expired).map(\.code) == ["GW326"])
        let future = try Self.issue(names: ["api.example.com"], notBefore: Date().addingTimeInterval(86_400), notAfter: Date().addingTimeInterval(30 * 86_400)).pair
        #expect(findings(future).map(\.code) == ["GW326"])
        let soon = try Self.issue(names: ["api.example.com"], notAfter: Date().addingTimeInterval(5 * 86_400 + 600)).pair
        #expect(findings(soon).map(\.code) == ["GW327"])
    }

    @Test func aKeyOfAnotherCertificateIsUnusable() throws {
        let first = try Self.issue(names: ["api.example.com"], notAfter: Date().addingTimeInterval(90 * 86_400)).pair
        let second = try Self.issue(names: ["api.example.com"], notAfter: Date().addingTimeInterval(90 * 86_400)).pair
        let found = findings(Pair(certificate: first.certificate, key: second.key))
        #expect(found.map(\.code).contains("GW324"))
        #expect(found.contains { $0.code == "GW324" && $0.line == 14 })
    }

    @Test func theChainGoesLeafFirst() throws {
        let ca = try Self.issue(names: ["ca.invalid"], notAfter: Date().addingTimeInterval(365 * 86_400), subject: "gwc test CA")
        let leaf = try Self.issue(names: ["api.example.com"], notAfter: Date().addingTimeInterval(90 * 86_400), subject: "api", issuerName: "gwc test CA", issuerKey: ca.key)
        #expect(findings(Pair(certificate: leaf.pair.certificate + ca.pair.certificate, key: leaf.pair.key)).map(\.code) == ["GW329"])
        let reversed = findings(Pair(certificate: ca.pair.certificate + leaf.pair.certificate, key: ca.pair.key))
        #expect(reversed.map(\.code).contains("GW328"))
    }

    @Test func noKeyMaterialInTheReport() throws {
        let (pair, _) = try Self.issue(names: ["other.org"], notAfter: Date().addingTimeInterval(90 * 86_400))
        let body = pair.key.split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        let rendered = lint("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: default}
            spec:
              gatewayClassName: agentgateway
              listeners: [{name: https, port: 443, protocol: HTTPS, hostname: api.example.com, tls: {certificateRefs: [{name: c}]}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: c, namespace: default}
            type: kubernetes.io/tls
            stringData: {tls.crt: "\(pair.certificate.replacingOccurrences(of: "\n", with: "\\n"))", tls.key: "\(pair.key.replacingOccurrences(of: "\n", with: "\\n"))"}
            """).diagnostics.map { "\($0.message) \($0.notes.map(\.message)) \($0.fixHint ?? "")" }.joined()
        #expect(rendered.contains("does not cover"))
        #expect(!rendered.contains(body))
    }
}
