import GatewayIR
import Testing

@testable import GatewayRuntime

/// The name check gwrun makes of an upstream's certificate (RFC 6125): exact names, a wildcard for
/// one leftmost label only, case and a trailing dot ignored, addresses against IP entries.
@Suite("Upstream certificate names")
struct UpstreamIdentityTests {
    @Test func exactNamesIgnoreCaseAndATrailingDot() {
        #expect(UpstreamIdentity.matches(pattern: "Backend.Internal", name: "backend.internal."))
        #expect(!UpstreamIdentity.matches(pattern: "backend.internal", name: "other.internal"))
        #expect(!UpstreamIdentity.matches(pattern: "", name: ""))
    }

    @Test func aWildcardCoversExactlyOneLeftmostLabel() {
        #expect(UpstreamIdentity.matches(pattern: "*.example.com", name: "api.example.com"))
        #expect(!UpstreamIdentity.matches(pattern: "*.example.com", name: "example.com"))
        #expect(!UpstreamIdentity.matches(pattern: "*.example.com", name: "a.b.example.com"))
        #expect(!UpstreamIdentity.matches(pattern: "*.", name: "a."))
        #expect(!UpstreamIdentity.matches(pattern: "a*.example.com", name: "ab.example.com"))
    }

    @Test func addressesAreReadAsBytes() {
        #expect(UpstreamIdentity.addressBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(UpstreamIdentity.addressBytes("::1")?.count == 16)
        #expect(UpstreamIdentity.addressBytes("localhost") == nil)
    }
}

/// Upstream TLS contexts made from a table: one per setting, kept across a reload when the
/// setting did not change (its pooled connections with it), made anew when it did; a TLS record
/// without a context refuses, never falls back to cleartext.
@Suite("Upstream TLS contexts")
struct UpstreamTLSContextsTests {
    static func table(sni: String) throws -> RouteTable {
        try RuntimeSetupTests.table("""
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: lab, namespace: apps}
            spec:
              static: {host: lab.internal, port: 443}
              policies:
                tls: {insecureSkipVerify: All, sni: \(sni)}
            """)
    }

    @Test func anUnchangedSettingKeepsItsContextAcrossAReload() throws {
        let client = UpstreamClient()
        let first = try Self.table(sni: "lab.internal")
        let before = try UpstreamTLSContexts(table: first, secrets: SecretStore(), client: client)
        let record = try #require(first.backend(0).tls)
        let same = try UpstreamTLSContexts(table: try Self.table(sni: "lab.internal"), secrets: SecretStore(), client: client, previous: before)
        let changed = try UpstreamTLSContexts(table: try Self.table(sni: "other.internal"), secrets: SecretStore(), client: client, previous: before)
        let kept = try #require(before.context(record))
        #expect(same.context(record) === kept)
        #expect(changed.context(record) !== kept)
        #expect(changed.context(record) != nil)
    }

    @Test func aRecordWithoutAContextRefuses() throws {
        let table = try Self.table(sni: "lab.internal")
        let empty = UpstreamTLSContexts()
        let tls = try #require(empty.context(table.backend(0).tls))
        #expect(throws: UpstreamTLS.Unavailable.self) { try tls.handler(serverHostname: "lab.internal") }
        #expect(empty.context(nil) == nil)
    }
}
