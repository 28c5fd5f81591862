import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// gwrun's metrics, in Prometheus text on the admin listener's /metrics. Names and labels are
/// documented in docs/runtime.md. swift-metrics is bootstrapped with the same registry, so
/// metrics that libraries emit through it appear beside these.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Each backend's recent failures (`/readyz`).
    public let health = UpstreamHealth()

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "gwrun", metricName: metric, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor { name("requests", "total", "Requests answered, by route, backend and HTTP status.") }
    static var duration: MetricNameDescriptor { name("request_duration", "seconds", "Time from a request's last byte to its answer, by route.") }
    static var upstreamErrors: MetricNameDescriptor { name("upstream_errors", "total", "Upstream calls that failed, by backend and kind (timeout, failure).") }
    static var tokenCounts: MetricNameDescriptor { name("tokens", "total", "LLM tokens reported by providers, by model and type (input, output).") }
    static var generation: MetricNameDescriptor { name("table_generation", "", "Generation of the route table being served: 1 at start, one more per reload.") }
    static var reloadFailures: MetricNameDescriptor { name("table_reload_failures", "total", "Tables refused at reload (failed verification, secrets or ports).") }
    static var acceptFailures: MetricNameDescriptor { name("accept_failures", "total", "Times accepting a connection failed (out of file descriptors); accepting then pauses.") }
    static var refusedConnections: MetricNameDescriptor { name("connections_refused", "total", "Connections answered 503 and closed because --max-connections were open.") }
    static var refusedSources: MetricNameDescriptor { name("source_refusals", "total", "Connections closed unread because their source address is outside a LAN-only Gateway's ranges or a networkAuthorization rule.") }
    static var auditRecords: MetricNameDescriptor { name("audit_records", "total", "Audit records written and made durable.") }
    static var auditCommits: MetricNameDescriptor { name("audit_commits", "total", "Audit writes, each one fsync: records per commit is the group commit's sharing.") }
    static var auditFailures: MetricNameDescriptor { name("audit_failures", "total", "Audit records that could not be written (their requests were answered 503 or cut).") }
    static var missingSecrets: MetricNameDescriptor { name("secrets_missing", "", "Secret references the last reload could not read (the previous values are still used); 0 when all resolved.") }
    // OpenTelemetry's GenAI semantic conventions, in Prometheus' spelling (dots as underscores).
    static var genAITokens: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_client_token_usage", unitName: "", helpText: "Tokens per AI request (GenAI semantic conventions), by gen_ai_token_type (input, output), operation, provider and model.")
    }
    static var genAIDuration: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_server_request_duration", unitName: "seconds", helpText: "Duration of AI requests (GenAI semantic conventions), by operation, provider and model.")
    }
    static var genAIFirstToken: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_server_time_to_first_token", unitName: "seconds", helpText: "Time to a streamed AI answer's first piece (GenAI semantic conventions), by operation, provider and model.")
    }
    static var telemetryDrops: MetricNameDescriptor { name("telemetry_dropped", "total", "Spans not exported (the queue was full, or their batch's export failed), by signal.") }
    static var telemetryExportFailures: MetricNameDescriptor { name("telemetry_export_failures", "total", "OTLP exports that failed (collector down, slow or refusing), by signal (traces, metrics).") }
    static var upstreamConsecutiveFailures: MetricNameDescriptor { name("upstream_consecutive_failures", "", "Failed calls in a row to each backend (502, 504, connection errors); 0 after a success.") }
    static let tokenBuckets: [Double] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304]
    static let buckets: [Duration] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000].map { .milliseconds($0) }

    /// The registry's counters and histograms by label values: finding one in the registry
    /// costs more than the request it counts (name checks, help text), so each is found once
    /// (and the access log keeps the ones its loop used).
    struct RequestKey: Hashable { let route: String, backend: String, status: Int }
    struct RequestHandles {
        let count: Prometheus.Counter, duration: DurationHistogram
        func record(nanoseconds: Int64) {
            count.increment()
            duration.recordNanoseconds(nanoseconds)
        }
    }
    private let requestMetrics = NIOLockedValueBox<[RequestKey: RequestHandles]>([:])

    public init() {
        _ = registry.makeGauge(descriptor: Self.generation)
        _ = registry.makeCounter(descriptor: Self.reloadFailures)
        _ = registry.makeGauge(descriptor: Self.missingSecrets)
        _ = registry.makeCounter(descriptor: Self.auditRecords)
        _ = registry.makeCounter(descriptor: Self.auditCommits)
        _ = registry.makeCounter(descriptor: Self.auditFailures)
        _ = registry.makeCounter(descriptor: Self.acceptFailures)
        _ = registry.makeCounter(descriptor: Self.refusedConnections)
    }

    /// Makes swift-metrics report into this registry; call once per process.
    public func bootstrapSwiftMetrics() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    func requestHandles(_ key: RequestKey) -> RequestHandles {
        requestMetrics.withLockedValue { cache in
            if let found = cache[key] { return found }
            let made = RequestHandles(
                count: registry.makeCounter(descriptor: Self.requests, labels: [("route", key.route), ("backend", key.backend), ("status", String(key.status))]),
                duration: registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", key.route)], buckets: Self.buckets))
            cache[key] = made
            return made
        }
    }

    func upstreamError(backend: String, kind: String) {
        registry.makeCounter(descriptor: Self.upstreamErrors, labels: [("backend", backend), ("kind", kind)]).increment()
    }

    /// Model label values seen (at most `maxModels`; later ones count as `other`): a model name
    /// comes from clients where no backend pins it, and labels must stay bounded.
    private let models = NIOLockedValueBox<Set<String>>([])
    static let maxModels = 64

    func boundedModel(_ model: String) -> String {
        models.withLockedValue { seen in
            if seen.contains(model) { return model }
            guard seen.count < Self.maxModels else { return "other" }
            seen.insert(model)
            return model
        }
    }

    struct GenAIKey: Hashable { let operation: String, provider: String, model: String }
    struct GenAIHandles {
        let inputTokens: ValueHistogram, outputTokens: ValueHistogram, duration: DurationHistogram, firstToken: DurationHistogram
        /// The same four over OTLP, with the conventions' own names (`--otlp-endpoint`).
        let otlp: (inputTokens: Recorder, outputTokens: Recorder, duration: Metrics.Timer, firstToken: Metrics.Timer)?
    }
    static let otlpTokenUsage = "gen_ai.client.token.usage"
    static let otlpRequestDuration = "gen_ai.server.request.duration"
    static let otlpFirstToken = "gen_ai.server.time_to_first_token"
    private let otlpFactory = NIOLockedValueBox<(any MetricsFactory)?>(nil)

    /// Records the GenAI metrics through `factory` (swift-otel's OTLP exporter) too; call before serving.
    public func exportGenAI(to factory: any MetricsFactory) { otlpFactory.withLockedValue { $0 = factory } }

    private func otlpHandles(_ key: GenAIKey) -> (inputTokens: Recorder, outputTokens: Recorder, duration: Metrics.Timer, firstToken: Metrics.Timer)? {
        guard let factory = otlpFactory.withLockedValue({ $0 }) else { return nil }
        let labels = [("gen_ai.operation.name", key.operation), ("gen_ai.provider.name", key.provider), ("gen_ai.request.model", key.model)]
        func tokens(_ type: String) -> Recorder {
            Recorder(label: Self.otlpTokenUsage, dimensions: labels + [("gen_ai.token.type", type), ("unit", "{token}")], aggregate: true, factory: factory)
        }
        return (tokens("input"), tokens("output"),
                Metrics.Timer(label: Self.otlpRequestDuration, dimensions: labels + [("unit", "s")], factory: factory),
                Metrics.Timer(label: Self.otlpFirstToken, dimensions: labels + [("unit", "s")], factory: factory))
    }
    /// Found in the registry once per label set, as `requestHandles` are.
    private let genAIMetrics = NIOLockedValueBox<[GenAIKey: GenAIHandles]>([:])

    /// An AI request's GenAI metrics.
    func genAI(operation: String, provider: String, model: String, inputTokens: Int?, outputTokens: Int?, seconds: Double, firstTokenSeconds: Double?) {
        let key = GenAIKey(operation: operation, provider: provider, model: boundedModel(model))
        let handles = genAIMetrics.withLockedValue { cache in
            if let found = cache[key] { return found }
            let labels = [("gen_ai_operation_name", key.operation), ("gen_ai_provider_name", key.provider), ("gen_ai_request_model", key.model)]
            let made = GenAIHandles(
                inputTokens: registry.makeValueHistogram(descriptor: Self.genAITokens, labels: labels + [("gen_ai_token_type", "input")], buckets: Self.tokenBuckets),
                outputTokens: registry.makeValueHistogram(descriptor: Self.genAITokens, labels: labels + [("gen_ai_token_type", "output")], buckets: Self.tokenBuckets),
                duration: registry.makeDurationHistogram(descriptor: Self.genAIDuration, labels: labels, buckets: Self.buckets),
                firstToken: registry.makeDurationHistogram(descriptor: Self.genAIFirstToken, labels: labels, buckets: Self.buckets),
                otlp: otlpHandles(key))
            cache[key] = made
            return made
        }
        if let inputTokens { handles.inputTokens.record(Double(inputTokens)) }
        if let outputTokens { handles.outputTokens.record(Double(outputTokens)) }
        handles.duration.recordNanoseconds(Int64(seconds * 1e9))
        if let firstTokenSeconds { handles.firstToken.recordNanoseconds(Int64(firstTokenSeconds * 1e9)) }
        if let otlp = handles.otlp {
            if let inputTokens { otlp.inputTokens.record(inputTokens) }
            if let outputTokens { otlp.outputTokens.record(outputTokens) }
            otlp.duration.recordNanoseconds(Int64(seconds * 1e9))
            if let firstTokenSeconds { otlp.firstToken.recordNanoseconds(Int64(firstTokenSeconds * 1e9)) }
        }
    }

    func upstreamFailures(backend: String, consecutive: Int) {
        registry.makeGauge(descriptor: Self.upstreamConsecutiveFailures, labels: [("backend", backend)]).set(Double(consecutive))
    }

    /// Found in the registry once per model, as the request handles are; models bounded as the GenAI metrics' are.
    private let tokenCounters = NIOLockedValueBox<[String: (input: Prometheus.Counter, output: Prometheus.Counter)]>([:])

    func tokens(model: String, input: Int?, output: Int?) {
        guard input != nil || output != nil else { return }
        let model = boundedModel(model)
        let counters = tokenCounters.withLockedValue { cache in
            if let found = cache[model] { return found }
            let made = (input: registry.makeCounter(descriptor: Self.tokenCounts, labels: [("model", model), ("type", "input")]),
                        output: registry.makeCounter(descriptor: Self.tokenCounts, labels: [("model", model), ("type", "output")]))
            cache[model] = made
            return made
        }
        if let input { counters.input.increment(by: Int64(input)) }
        if let output { counters.output.increment(by: Int64(output)) }
    }

    func acceptFailed() { registry.makeCounter(descriptor: Self.acceptFailures).increment() }
    func connectionRefused() { registry.makeCounter(descriptor: Self.refusedConnections).increment() }
    func sourceRefused() { registry.makeCounter(descriptor: Self.refusedSources).increment() }
    public func tableLoaded(generation value: Int) { registry.makeGauge(descriptor: Self.generation).set(Double(value)) }
    public func reloadFailed() { registry.makeCounter(descriptor: Self.reloadFailures).increment() }
    /// One audit commit: `records` made durable by one fsync, or `failed` records lost to an error.
    public func auditCommitted(records: Int, failed: Int) {
        if records > 0 {
            registry.makeCounter(descriptor: Self.auditRecords).increment(by: Int64(records))
            registry.makeCounter(descriptor: Self.auditCommits).increment()
        }
        if failed > 0 { registry.makeCounter(descriptor: Self.auditFailures).increment(by: Int64(failed)) }
    }
    /// Spans swift-otel dropped (a full queue, a failed export) and exports that failed, by signal.
    func telemetryDropped(signal: String, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: Self.telemetryDrops, labels: [("signal", signal)]).increment(by: Int64(count))
    }
    func telemetryExportFailed(signal: String) { registry.makeCounter(descriptor: Self.telemetryExportFailures, labels: [("signal", signal)]).increment() }
    public func secretsMissing(_ count: Int) { registry.makeGauge(descriptor: Self.missingSecrets).set(Double(count)) }

    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
