import GatewayCompiler
import GatewayIR
import Testing

/// `frontend.tracing` compiled for gwrun: OTLP/HTTP endpoints and constant sampling into the
/// table; what gwrun cannot follow is reported (GW420) and left out.
@Suite("frontend.tracing")
struct TracingPolicyTests {
    static func manifest(_ tracing: String, targetPort: String = "") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: obs}
        spec:
          gatewayClassName: agentgateway
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: traces, namespace: obs}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw\(targetPort)}]
          frontend:
            tracing: \(tracing)
        """
    }

    static func compiled(_ text: String) throws -> (LintResult, RouteTable) {
        let result = lint(text)
        return (result, try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result))))
    }

    @Test func anHTTPCollectorAndConstantSamplingReachTheTable() throws {
        let (result, table) = try Self.compiled(Self.manifest("{protocol: HTTP, url: 'http://collector.obs:4318', randomSampling: '0.25', clientSampling: 'false'}"))
        #expect(result.diagnostics.filter { $0.code == .notEnforced }.isEmpty, "\(result.diagnostics.map(\.message))")
        let tracing = try #require(table.tracing(gateway: 0))
        #expect(tracing.endpoint == "http://collector.obs:4318/v1/traces")
        #expect(tracing.randomSampling == 0.25)
        #expect(tracing.clientSampling == 0)
        #expect(table.readVersion == TableFormat.readVersion)
    }

    @Test func aServiceBackendRefAndAPathMakeTheURL() throws {
        let (_, table) = try Self.compiled(Self.manifest("{protocol: HTTP, backendRef: {name: otel, port: 4318}, path: /otlp/traces}"))
        let tracing = try #require(table.tracing(gateway: 0))
        #expect(tracing.endpoint == "http://otel.obs.svc.cluster.local:4318/otlp/traces")
        #expect(tracing.randomSampling == nil && tracing.clientSampling == nil, "unset: the CRD's defaults, applied by gwrun")
    }

    @Test(arguments: [
        ("{url: 'http://collector:4317'}", "OTLP over HTTP only"),
        ("{protocol: GRPC, url: 'http://collector:4317'}", "OTLP over HTTP only"),
        ("{protocol: HTTP, backendRef: {group: agentgateway.dev, kind: AgentgatewayBackend, name: otel}}", "by `url` or by a Service"),
        ("{protocol: HTTP, backendRef: {name: otel, namespace: other, port: 4318}}", "by `url` or by a Service"),
    ])
    func whatGwrunCannotFollowIsReportedAndLeftOut(_ tracing: String, _ reason: String) throws {
        let (result, table) = try Self.compiled(Self.manifest(tracing))
        let reported = result.diagnostics.first { $0.code == .notEnforced && $0.message.contains(reason) }
        #expect(reported?.location.line == 14, "at the `tracing` key: \(result.diagnostics.map(\.message))")
        #expect(table.tracing(gateway: 0) == nil)
    }

    @Test func aPortLimitedPolicyIsReportedAndNotApplied() throws {
        let (result, table) = try Self.compiled(Self.manifest("{protocol: HTTP, url: 'http://collector:4318'}", targetPort: ", port: 8080"))
        #expect(result.diagnostics.contains { $0.code == .notEnforced && $0.message.contains("limited to one port") })
        #expect(table.tracing(gateway: 0) == nil)
    }

    @Test func aSamplingExpressionThatIsNotAConstantIsReportedAndDefaults() throws {
        let (result, table) = try Self.compiled(Self.manifest("{protocol: HTTP, url: 'http://c:4318', randomSampling: \"request.path.startsWith('/v1') ? 1.0 : 0.0\"}"))
        #expect(result.diagnostics.contains { $0.code == .notEnforced && $0.message.contains("randomSampling") && $0.message.contains("random sampling stays off") })
        #expect(try #require(table.tracing(gateway: 0)).randomSampling == nil)
    }
}
