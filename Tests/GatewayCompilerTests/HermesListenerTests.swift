@testable import GatewayCompiler
import Testing

/// Hermes' own listeners and outbound calls (GW615–GW618), beyond the broken samples' one case each.
@Suite("Hermes listeners")
struct HermesListenerTests {
    func codes(_ yaml: String, environment: [String: String] = [:]) -> [String] {
        lint("model: {provider: anthropic, default: m}\n" + yaml, path: "config.yaml", environment: environment).diagnostics.map(\.code.rawValue)
    }

    @Test func aWebhookIsExposedOffLoopbackWithoutARealSecret() {
        #expect(codes("platforms:\n  webhook:\n    enabled: true\n").contains("GW615"))  // every interface by default
        #expect(codes("platforms:\n  webhook:\n    enabled: true\n    extra: {host: 0.0.0.0, secret: INSECURE_NO_AUTH}\n").contains("GW615"))
        #expect(!codes("platforms:\n  webhook:\n    enabled: true\n    extra: {host: 127.0.0.1}\n").contains("GW615"))
        #expect(!codes("platforms:\n  webhook:\n    enabled: true\n    extra: {secret: \"${WEBHOOK_SECRET}\"}\n", environment: ["WEBHOOK_SECRET": "s3cr3t-value-long"]).contains("GW615"))
        #expect(!codes("platforms:\n  webhook:\n    enabled: false\n").contains("GW615"))
    }

    @Test func theAPIServerNeedsALongKey() {
        #expect(codes("platforms:\n  api_server:\n    enabled: true\n").contains("GW616"))
        #expect(!codes("platforms:\n  api_server:\n    enabled: true\n    extra: {key: \"${API_SERVER_KEY}\"}\n", environment: ["API_SERVER_KEY": String(repeating: "k7", count: 16)]).contains("GW616"))
        #expect(codes("platforms:\n  api_server:\n    enabled: true\n    extra: {key: \"${API_SERVER_KEY}\"}\n", environment: ["API_SERVER_KEY": "short"]).contains("GW616"))
    }

    @Test func localAndPublicHosts() {
        for host in ["127.0.0.1", "10.1.2.3", "172.20.0.9", "192.168.1.4", "100.64.0.1", "169.254.0.2", "fd00::1", "[::1]", "gateway", "gw.agents", "gw.agents.svc.cluster.local", "nas.lan"] {
            #expect(HermesChecker.isLocal(host), "\(host)")
        }
        for host in ["8.8.8.8", "172.32.0.1", "mcp.example.com", "api.openai.com", "tools.example.io"] {
            #expect(!HermesChecker.isLocal(host), "\(host)")
        }
    }
}
