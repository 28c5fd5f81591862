import Foundation
import Logging
import NIOConcurrencyHelpers

/// swift-otel's diagnostic logger: counts what it reports lost (spans dropped from a full queue,
/// batches whose export failed) and passes its warnings on to gwrun's log at most once every
/// 10 seconds, so a collector that is down does not flood standard error.
struct TelemetryDiagnostics: LogHandler {
    let metrics: GatewayMetrics
    let logger: Logger
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]
    private static let lastWarning = NIOLockedValueBox<UInt64>(0)

    init(metrics: GatewayMetrics, logger: Logger) {
        self.metrics = metrics
        self.logger = logger
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let message = event.message.description
        func number(_ key: String) -> Int { merged[key].flatMap { Int("\($0)") } ?? 0 }
        if message.hasPrefix("Spans were dropped") {
            metrics.telemetryDropped(signal: "traces", count: number("dropped_count"))
        } else if message.hasPrefix("Failed to export batch") {
            metrics.telemetryExportFailed(signal: "traces")
            metrics.telemetryDropped(signal: "traces", count: number("batch_size"))
        } else if message.hasPrefix("Failed to export metrics") {
            metrics.telemetryExportFailed(signal: "metrics")
        }
        guard event.level >= .warning else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let due = Self.lastWarning.withLockedValue { last in
            guard last == 0 || now - last >= 10_000_000_000 else { return false }
            last = now
            return true
        }
        if due { logger.warning("OpenTelemetry export: \(message) (further warnings for 10 s are only counted in gwrun_telemetry_*)") }
    }
}
