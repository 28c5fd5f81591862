import CoreMetrics
import GatewayIR
import Logging
import NIOConcurrencyHelpers
import OTel
import ServiceLifecycle
import Tracing

/// OpenTelemetry export (`--otlp-endpoint`): spans and the GenAI metrics over OTLP/HTTP with
/// protobuf bodies, through swift-otel. Spans wait in swift-otel's batch queue (2,048 at most,
/// sent every second in batches of up to 512); when the collector is down or slow the queue
/// fills and further spans are dropped, never the request delayed. Drops and failed exports are
/// counted (`gwrun_telemetry_dropped_total`, `gwrun_telemetry_export_failures_total`) from what
/// swift-otel reports to its diagnostic logger, the only place it reports them.
public final class TelemetryExport: Sendable {
    public let tracer: RequestTracer
    /// The GenAI metrics are recorded here too (`GatewayMetrics.exportGenAI`); nil without a metrics URL.
    public let metricsFactory: (any MetricsFactory)?
    private let group: ServiceGroup
    private let running = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let executor = TelemetryExecutor()
    /// swift-otel's tracer and metrics factory hold its exporters, whose `deinit` crashes on an
    /// event loop thread (`TelemetryExecutor`); the last reference to the tracer is dropped
    /// wherever the last request processor copy goes, so they are kept until the process exits.
    private static let keptUntilExit = NIOLockedValueBox<[any Sendable]>([])

    public struct Options: Sendable {
        public var tracesURL: String
        /// Nil: no metrics over OTLP (a `frontend.tracing` policy names a traces endpoint only).
        public var metricsURL: String?
        public var samplingRatio: Double
        /// For requests whose client trace is sampled (agentgateway's `clientSampling`).
        public var clientSamplingRatio: Double
        public var metricsInterval: Duration

        /// `--otlp-endpoint`: a collector's base URL, `/v1/traces` and `/v1/metrics` under it.
        public init(endpoint: String, samplingRatio: Double, metricsInterval: Duration) {
            let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.init(tracesURL: base + "/v1/traces", metricsURL: base + "/v1/metrics", samplingRatio: samplingRatio, clientSamplingRatio: 1, metricsInterval: metricsInterval)
        }

        /// A `frontend.tracing` policy: its traces URL and sampling (the CRD's defaults: no random sampling, every client trace).
        public init(policy: FrontendPolicy.Tracing) {
            self.init(tracesURL: policy.endpoint, metricsURL: nil, samplingRatio: policy.randomSampling ?? 0, clientSamplingRatio: policy.clientSampling ?? 1, metricsInterval: .seconds(60))
        }

        public init(tracesURL: String, metricsURL: String?, samplingRatio: Double, clientSamplingRatio: Double, metricsInterval: Duration) {
            self.tracesURL = tracesURL
            self.metricsURL = metricsURL
            self.samplingRatio = samplingRatio
            self.clientSamplingRatio = clientSamplingRatio
            self.metricsInterval = metricsInterval
        }
    }

    public init(_ options: Options, metrics: GatewayMetrics, logger: Logger) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "gwrun"
        // Which requests are traced is decided by `RequestTracer`; the spans it starts are all kept.
        guard (0...1).contains(options.samplingRatio), (0...1).contains(options.clientSamplingRatio) else {
            throw TelemetryError("a sampling ratio is not between 0 and 1")
        }
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.traces.otlpExporter.endpoint = options.tracesURL
        configuration.traces.otlpExporter.timeout = .seconds(2)
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        configuration.traces.batchSpanProcessor.exportTimeout = .seconds(5)
        configuration.metrics.otlpExporter.endpoint = options.metricsURL ?? options.tracesURL
        configuration.metrics.otlpExporter.timeout = .seconds(2)
        configuration.metrics.exportInterval = options.metricsInterval
        configuration.metrics.exportTimeout = .seconds(5)
        configuration.metrics.valueHistogramBuckets[GatewayMetrics.otlpTokenUsage] = GatewayMetrics.tokenBuckets
        configuration.metrics.durationHistogramBuckets[GatewayMetrics.otlpRequestDuration] = GatewayMetrics.buckets
        configuration.metrics.durationHistogramBuckets[GatewayMetrics.otlpFirstToken] = GatewayMetrics.buckets
        configuration.logs.enabled = false
        configuration.diagnosticLogger = .custom(Logger(label: "gwrun.otel") { _ in TelemetryDiagnostics(metrics: metrics, logger: logger) })
        let traces = try OTel.makeTracingBackend(configuration: configuration)
        Self.keptUntilExit.withLockedValue { $0.append(traces.factory) }
        tracer = RequestTracer(tracer: traces.factory, rootRatio: options.samplingRatio, clientRatio: options.clientSamplingRatio)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: traces.service)]
        if options.metricsURL != nil {
            let metricsBackend = try OTel.makeMetricsBackend(configuration: configuration)
            metricsFactory = metricsBackend.factory
            Self.keptUntilExit.withLockedValue { $0.append(metricsBackend.factory) }
            services.append(.init(service: metricsBackend.service))
        } else {
            metricsFactory = nil
        }
        group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: Logger(label: "gwrun.otel")))
    }

    /// Runs the exporters in the background until `shutdown`.
    public func start() {
        let group = group
        running.withLockedValue { $0 = Task(executorPreference: executor) { try? await group.run() } }
    }

    /// Sends what is queued and stops the exporters, waiting `limit` at most: a collector that
    /// hangs must not hold gwrun's exit (swift-otel would wait for the export in flight, then
    /// for a last one, each up to its export timeout). Spans not sent by then are lost.
    public func shutdown(limit: Duration = .seconds(3)) async {
        await group.triggerGracefulShutdown()
        guard let task = running.withLockedValue({ $0 }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = NIOLockedValueBox(false)
            let resumeOnce: @Sendable () -> Void = {
                if resumed.withLockedValue({ done in defer { done = true }; return !done }) { continuation.resume() }
            }
            Task { await task.value; resumeOnce() }
            Task { try? await Task.sleep(for: limit); resumeOnce() }
        }
    }
}

struct TelemetryError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
