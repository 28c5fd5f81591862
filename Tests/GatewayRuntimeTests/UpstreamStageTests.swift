import Testing

@testable import GatewayRuntime

@Suite("Upstream stage")
struct UpstreamStageTests {
    /// A static backend named by an address keeps the client's Host; one named by a host name gets its own (hostRewrite Auto).
    @Test func addressLiteralsAreToldFromHostNames() {
        for address in ["10.0.0.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "fd00::2"] { #expect(UpstreamStage.isAddress(address), "\(address)") }
        for name in ["example.com", "256.0.0.1", "1.2.3", "1.2.3.4.", "1..2.3", ".1.2.3", "1.2.3.4a", "", "api.anthropic.com"] {
            #expect(!UpstreamStage.isAddress(name), "\(name)")
        }
    }
}
