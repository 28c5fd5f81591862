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
