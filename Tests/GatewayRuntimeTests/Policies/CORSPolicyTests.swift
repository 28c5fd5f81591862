@testable import GatewayRuntime
import NIOCore
import Testing

/// CORS as Gateway API's HTTPCORSFilter describes it (the browser side is scripts/e2e-policies.sh).
@Suite("CORS")
struct CORSPolicyTests {
    static func policy(origins: [String], methods: [String] = ["GET"], headers: [String] = [], expose: [String] = [], credentials: Bool = false) -> CORSPolicy {
        CORSPolicy(origins: origins, methods: methods, allowHeaders: headers, exposeHeaders: expose, maxAge: 5, allowCredentials: credentials)
    }

    static func header(_ response: GatewayResponse, _ name: String) -> String? { response.headers.first { $0.name == name }?.value }

    @Test func originsMatchExactlyWithDefaultPortsOrByLeftWildcard() {
        let cors = Self.policy(origins: ["https://app.example.com", "http://localhost:3000", "https://*.tenant.example"])
        #expect(cors.allows("https://app.example.com") && cors.allows("https://app.example.com:443"))
        #expect(!cors.allows("http://app.example.com") && !cors.allows("https://app.example.com:8443"))
        #expect(cors.allows("http://localhost:3000") && !cors.allows("http://localhost:3001"))
        #expect(cors.allows("https://a.b.tenant.example") && !cors.allows("https://tenant.example.evil"))
        #expect(Self.policy(origins: ["*"]).allows("http://anything:1"))
        #expect(!cors.allows("null") && !cors.allows(""))
    }

    @Test func aPreflightIsAnsweredWithWhatIsAllowed() {
        let cors = Self.policy(origins: ["https://app.example.com"], methods: ["GET", "PUT"], headers: ["x-probe"])
        let answer = cors.preflight(origin: "https://app.example.com", method: "PUT", headers: "x-probe")
        #expect(answer.status == 204)
        #expect(Self.header(answer, "access-control-allow-origin") == "https://app.example.com")
        #expect(Self.header(answer, "access-control-allow-methods") == "GET, PUT")
        #expect(Self.header(answer, "access-control-allow-headers") == "x-probe")
        #expect(Self.header(answer, "access-control-max-age") == "5")
        let refused = cors.preflight(origin: "https://evil.example", method: "PUT", headers: nil)
        #expect(refused.status == 204 && Self.header(refused, "access-control-allow-origin") == nil)
    }

    @Test func wildcardsAreNeverSentWithCredentials() {
        let open = Self.policy(origins: ["*"], methods: ["*"], headers: ["*"])
        let answer = open.preflight(origin: "https://a.example", method: "DELETE", headers: "x-a, x-b")
        #expect(Self.header(answer, "access-control-allow-origin") == "*" && Self.header(answer, "access-control-allow-methods") == "*")
        let credentialed = Self.policy(origins: ["*"], methods: ["*"], headers: ["*"], expose: ["*"], credentials: true)
        let strict = credentialed.preflight(origin: "https://a.example", method: "DELETE", headers: "x-a, x-b")
        #expect(Self.header(strict, "access-control-allow-origin") == "https://a.example")
        #expect(Self.header(strict, "access-control-allow-methods") == "DELETE" && Self.header(strict, "access-control-allow-headers") == "x-a, x-b")
        #expect(Self.header(strict, "access-control-allow-credentials") == "true")
        #expect(!credentialed.answerHeaders(origin: "https://a.example").contains { $0.name == "access-control-expose-headers" })
    }

    @Test func theRealAnswerIsMarked() {
        let cors = Self.policy(origins: ["https://app.example.com"], expose: ["x-request-id"])
        let headers = cors.answerHeaders(origin: "https://app.example.com")
        #expect(headers.contains { $0 == ("access-control-allow-origin", "https://app.example.com") })
        #expect(headers.contains { $0 == ("access-control-expose-headers", "x-request-id") })
        #expect(headers.contains { $0 == ("vary", "origin") })
        #expect(!cors.answerHeaders(origin: "https://other.example").contains { $0.name.hasPrefix("access-control") })
    }
}

/// The address ranges a LAN-only Gateway accepts (the namespace test is scripts/e2e-lan.sh).
@Suite("LAN source ranges")
struct SourceRangeTests {
    @Test func lanAndOtherAddresses() throws {
        for address in ["127.0.0.1", "127.9.9.9", "10.2.3.4", "172.16.0.1", "172.31.255.254", "192.168.0.7", "100.64.1.1", "169.254.3.3", "::1", "fd12::1", "fe80::1", "::ffff:10.0.0.1"] {
            #expect(SourceRanges.isLAN(try SocketAddress(ipAddress: address, port: 1)), "\(address)")
        }
        for address in ["192.0.2.10", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "::ffff:8.8.8.8"] {
            #expect(!SourceRanges.isLAN(try SocketAddress(ipAddress: address, port: 1)), "\(address)")
        }
    }
}
