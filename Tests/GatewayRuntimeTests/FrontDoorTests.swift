import Crypto
import Foundation
import GatewayCompiler
import GatewayIR
import NIOCore
import SwiftASN1
import Testing
import X509
@testable import GatewayRuntime

/// The front door without sockets: PROXY headers (parser and trust decisions), source rules
/// (CIDR networks, Allow/Deny/Require), and which certificate SNI selects.
@Suite("Front door: PROXY headers, source rules, SNI")
struct FrontDoorTests {
    // MARK: PROXY protocol

    @Test func v1HeadersGiveTheClientAddress() {
        let line = Array("PROXY TCP4 203.0.113.7 10.0.0.1 40000 8080\r\nGET /".utf8)
        #expect(ProxyHeaderParser.parse(line) == .header(address: [203, 0, 113, 7], port: 40000, version: 1, length: line.count - 5))
        let six = Array("PROXY TCP6 2001:db8::7 2001:db8::1 1 2\r\n".utf8)
        if case .header(let address?, 1, 1, _) = ProxyHeaderParser.parse(six) { #expect(address.count == 16 && address[0] == 0x20 && address[15] == 7) } else { Issue.record("TCP6 not read") }
        #expect(ProxyHeaderParser.parse(Array("PROXY UNKNOWN\r\n".utf8)) == .header(address: nil, port: 0, version: 1, length: 15))
    }

    @Test func partialMalformedAndOtherStreams() {
        #expect(ProxyHeaderParser.parse(Array("PRO".utf8)) == .needMore)
        #expect(ProxyHeaderParser.parse(Array("PROXY TCP4 1.2.3.4".utf8)) == .needMore)
        #expect(ProxyHeaderParser.parse(Array("GET / HTTP/1.1\r\n".utf8)) == .notProxy)
        #expect(ProxyHeaderParser.parse([0x16, 0x03, 0x01]) == .notProxy)  // a TLS ClientHello
        for bad in ["PROXY TCP4 999.1.1.1 10.0.0.1 1 2\r\n", "PROXY TCP4 1.2.3.4 10.0.0.1 1 65536\r\n", "PROXY TCP4 1.2.3.4 10.0.0.1 1 2\n", "PROXY TCP4 ::1 ::1 1 2\r\n", "PROXY UDP4 1.2.3.4 1.2.3.5 1 2\r\n"] {
            if case .invalid = ProxyHeaderParser.parse(Array(bad.utf8)) {} else { Issue.record("accepted \(bad.debugDescription)") }
        }
        if case .invalid = ProxyHeaderParser.parse(Array(("PROXY TCP4 " + String(repeating: "1", count: 120)).utf8)) {} else { Issue.record("a v1 line past 107 bytes was buffered") }
    }

    @Test func v2HeadersLocalAndBroken() {
        let signature = ProxyHeaderParser.v2Signature
        let tcp4 = signature + [0x21, 0x11, 0, 12, 198, 51, 100, 1, 10, 0, 0, 1, 0x9C, 0x40, 0x1F, 0x90]
        #expect(ProxyHeaderParser.parse(tcp4 + Array("GET".utf8)) == .header(address: [198, 51, 100, 1], port: 40000, version: 2, length: 28))
        #expect(ProxyHeaderParser.parse(Array(tcp4.prefix(20))) == .needMore)
        #expect(ProxyHeaderParser.parse(signature + [0x20, 0x00, 0, 0]) == .header(address: nil, port: 0, version: 2, length: 16))
        if case .invalid = ProxyHeaderParser.parse(signature + [0x31, 0x11, 0, 12] + [UInt8](repeating: 0, count: 12)) {} else { Issue.record("version 3 accepted") }
        if case .invalid = ProxyHeaderParser.parse(signature + [0x21, 0x12, 0, 12] + [UInt8](repeating: 0, count: 12)) {} else { Issue.record("UDP accepted") }
        if case .invalid = ProxyHeaderParser.parse(signature + [0x21, 0x11, 0xFF, 0xFF]) {} else { Issue.record("a 64 KiB header would be buffered") }
    }

    @Test func onlyATrustedProxyIsBelieved() {
        func reader(_ trust: ProxyHeaderReader.Trust) -> ProxyHeaderReader { ProxyHeaderReader(trust: trust, timeout: .seconds(1), proceed: { _ in }, refuse: { _ in }) }
        let header = ProxyHeaderParser.Result.header(address: [203, 0, 113, 7], port: 1, version: 1, length: 44)
        let strict = reader(.trusted(required: true, v1: true, v2: true)), optional = reader(.trusted(required: false, v1: false, v2: true))
        #expect(strict.decide(header) == .proceed(try? SocketAddress(ipAddress: "203.0.113.7", port: 1), consumed: 44))
        if case .close = strict.decide(.notProxy) {} else { Issue.record("Strict served a connection without a header") }
        #expect(optional.decide(.notProxy) == .proceed(nil, consumed: 0))
        if case .close = optional.decide(header) {} else { Issue.record("a v1 header was read where only v2 is accepted") }
        if case .close = reader(.untrusted).decide(header) {} else { Issue.record("an untrusted peer's header was believed") }
        #expect(reader(.untrusted).decide(.notProxy) == .proceed(nil, consumed: 0))
        #expect(strict.decide(.needMore) == .wait)
    }

    // MARK: Source rules

    @Test func cidrBlocks() throws {
        let ten = try #require(CIDRBlock("10.0.0.0/8"))
        #expect(ten.contains([10, 200, 3, 4]) && !ten.contains([11, 0, 0, 1]))
        #expect(ten.contains([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 1, 2, 3]), "an IPv4-mapped IPv6 address counts as IPv4")
        let ula = try #require(CIDRBlock("fd00::/8"))
        let inside = try #require(CIDRBlock.parseAddress("fd12:3456::1")), outside = try #require(CIDRBlock.parseAddress("2001:db8::1"))
        #expect(ula.contains(inside) && !ula.contains(outside))
        #expect(CIDRBlock("192.168.1.77/24")?.network == [192, 168, 1, 0])
        #expect(CIDRBlock("127.0.0.1")?.prefixLength == 32)
        for bad in ["10.0.0.0/33", "10.0.0/8", "1.2.3.4.5", "::1::2", "fd00::/129", "10.0.0.0/-1", "x", "", "1.2.3.04a"] { #expect(CIDRBlock(bad) == nil, "\(bad)") }
        #expect(CIDRBlock.parseAddress("::ffff:10.1.2.3")?.suffix(4) == [10, 1, 2, 3])
    }

    /// The TLS Secrets are given to gwrun only (lint reports them missing, GW310): `allowErrors`.
    static func table(_ yaml: String, allowErrors: Bool = false) throws -> RouteTable {
        let result = Linter().lint([SourceFile(path: "t.yaml", text: yaml)])
        #expect(allowErrors || !result.diagnostics.contains { $0.severity == .error }, "\(result.diagnostics.map(\.message))")
        return try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
    }

    static func gateway(policies: [(action: String, expression: String)]) -> String {
        var yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: default}
            spec: {gatewayClassName: agentgateway, listeners: [{name: http, port: 8080, protocol: HTTP}]}
            """
        for (index, policy) in policies.enumerated() {
            yaml += """

                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p\(index), namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
                  frontend: {networkAuthorization: {action: \(policy.action), policy: {matchExpressions: ["\(policy.expression)"]}}}
                """
        }
        return yaml
    }

    @Test func allowDenyAndRequireAsTheCRDDefinesThem() throws {
        let office = "cidr('10.0.0.0/8').containsIP(source.address) || cidr('fd00::/8').containsIP(source.address)"
        let settings = try Self.table(Self.gateway(policies: [("Allow", office), ("Deny", "cidr('10.66.0.0/16').containsIP(source.address)"),
                                                              ("Require", "!cidr('10.99.0.0/16').containsIP(source.address)")])).frontend(gateway: 0, port: 8080)
        #expect(settings.rules.count == 3)
        #expect(settings.admits([10, 1, 2, 3]))
        #expect(!settings.admits([192, 0, 2, 1]), "outside every Allow rule")
        #expect(!settings.admits([10, 66, 0, 1]), "a Deny rule matched")
        #expect(!settings.admits([10, 99, 0, 1]), "a Require rule did not match")
        #expect(settings.admits(try #require(CIDRBlock.parseAddress("fd00::5"))))
        let denyOnly = try Self.table(Self.gateway(policies: [("Deny", "cidr('192.0.2.0/24').containsIP(source.address)")])).frontend(gateway: 0, port: 8080)
        #expect(denyOnly.admits([198, 51, 100, 1]) && !denyOnly.admits([192, 0, 2, 9]))
        let none = try Self.table(Self.gateway(policies: [])).frontend(gateway: 0, port: 8080)
        #expect(none.rules.isEmpty && none.admits([8, 8, 8, 8]))
    }

    // MARK: SNI

    static func certificate(_ names: [String], subject: String) throws -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(subject) }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: try .init { SubjectAlternativeNames(names.map { .dnsName($0) }) },
            issuerPrivateKey: .init(key))
        return (try certificate.serializeAsPEM().pemString, try Certificate.PrivateKey(key).serializeAsPEM().pemString)
    }

    static let tlsGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway
          listeners:
            - {name: any, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: any}]}}
            - {name: wild, port: 8443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: wild}]}}
            - {name: api, port: 8443, protocol: HTTPS, hostname: api.example.com, tls: {certificateRefs: [{name: api}]}}
        """

    static func environment(_ pairs: [String: (certificate: String, key: String)]) -> [String: String] {
        var environment: [String: String] = [:]
        for (name, pair) in pairs {
            environment["GWRUN_SECRET_DEFAULT_\(name.uppercased())_TLS_CRT"] = pair.certificate
            environment["GWRUN_SECRET_DEFAULT_\(name.uppercased())_TLS_KEY"] = pair.key
        }
        return environment
    }

    @Test func sniPicksExactThenWildcardThenTheListenerWithoutHostname() throws {
        let table = try Self.table(Self.tlsGateway, allowErrors: true)
        let pairs = ["any": try Self.certificate(["fallback.invalid"], subject: "any"), "wild": try Self.certificate(["*.example.com"], subject: "wild"),
                     "api": try Self.certificate(["api.example.com"], subject: "api")]
        let secrets = try SecretStore.load(for: table, directory: nil, environment: Self.environment(pairs))
        let termination = try TLSTermination.load(table: table, secrets: secrets, gateway: nil, servedPorts: [8443])
        #expect(termination.tlsPorts == [8443])
        let sites = try #require(termination.ports[8443]).sites.map(\.listener)
        #expect(sites == ["api", "wild", "any"])
        func chosen(_ name: String?) -> String? {
            guard let context = termination.context(port: 8443, serverName: name) else { return nil }
            return termination.ports[8443]?.sites.first { $0.context === context }?.listener
        }
        #expect(chosen("api.example.com") == "api")
        #expect(chosen("API.Example.com.") == "api")
        #expect(chosen("www.example.com") == "wild")
        #expect(chosen("a.b.example.com") == "wild")
        #expect(chosen("example.com") == "any")
        #expect(chosen(nil) == "any")
    }

    @Test func aMissingOrMismatchedCertificateStopsStartUpNamingListenerAndSecret() throws {
        let table = try Self.table(Self.tlsGateway, allowErrors: true)
        let good = try Self.certificate(["x"], subject: "x"), other = try Self.certificate(["y"], subject: "y")
        var environment = Self.environment(["any": good, "wild": good, "api": (good.certificate, other.key)])
        let mismatched = try SecretStore.load(for: table, directory: nil, environment: environment)
        do {
            _ = try TLSTermination.load(table: table, secrets: mismatched, gateway: nil, servedPorts: [8443])
            Issue.record("a key of another certificate was served")
        } catch let refusal as TLSTermination.Refusal {
            #expect(refusal.description.contains("listener \"api\"") && refusal.description.contains("Secret default/api"))
            #expect(!refusal.description.contains("BEGIN"))
        }
        environment["GWRUN_SECRET_DEFAULT_WILD_TLS_CRT"] = "not a certificate"
        let broken = try SecretStore.load(for: table, directory: nil, environment: environment)
        #expect(throws: TLSTermination.Refusal.self) { try TLSTermination.load(table: table, secrets: broken, gateway: nil, servedPorts: [8443]) }
    }

    // MARK: Upgraded connections

    @Test func upgradeRequestsAreThoseThatAskForIt() {
        #expect(TunnelStateMachine.upgrade(in: [("Connection", "keep-alive, Upgrade"), ("Upgrade", "websocket")]) == "websocket")
        #expect(TunnelStateMachine.upgrade(in: [("Upgrade", "websocket")]) == nil, "Upgrade without Connection: upgrade is not a request to upgrade")
        #expect(TunnelStateMachine.upgrade(in: [("connection", "upgrade")]) == nil)
    }

    @Test func a101OpensTheTunnelAnotherAnswerEndsIt() {
        func view(_ text: String) -> ByteBufferView { ByteBuffer(string: text).readableBytesView }
        var machine = TunnelStateMachine()
        #expect(machine.upstreamBytes(view("HTTP/1.1 101 Switching Protocols\r\nUpgrade: web")) == .forward)
        #expect(machine.state == .head)
        #expect(machine.upstreamBytes(view("socket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{05}hello")) == .forward)
        #expect(machine.state == .tunnel && machine.status == 101)
        #expect(machine.upstreamBytes(view("any bytes at all")) == .forward)

        var refused = TunnelStateMachine()
        #expect(refused.upstreamBytes(view("HTTP/1.1 404 Not Found\r\ncontent-length: 10\r\n\r\n12345")) == .forward)
        #expect(refused.upstreamBytes(view("67890")) == .forwardAndClose)
        #expect(refused.status == 404)

        var chunked = TunnelStateMachine()
        #expect(chunked.upstreamBytes(view("HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r")) == .forward)
        #expect(chunked.upstreamBytes(view("\n\r\n")) == .forwardAndClose)
    }
}
