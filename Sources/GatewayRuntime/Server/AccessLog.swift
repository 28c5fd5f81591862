import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One JSON line per request on standard output, and the request's metrics. Lines are written in
/// batches (whole lines only, at 32 KiB or every 200 ms and at exit, like nginx's
/// `access_log buffer= flush=`), so a busy gateway makes one write(2) per many requests.
struct AccessLog: Sendable {
    let metrics: GatewayMetrics?
    private let buffer = NIOLockedValueBox<[UInt8]>([])
    static let flushBytes = 32 << 10

    init(metrics: GatewayMetrics?) { self.metrics = metrics }

    func write(_ request: IncomingRequest, status: Int, _ record: AccessRecord, bytesOut: Int, started: UInt64) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started)
        if let metrics {
            metrics.request(route: record.route ?? "", backend: record.backend ?? "", status: status, seconds: elapsed / 1e9)
            if let error = record.error { metrics.upstreamError(backend: record.backend ?? "", kind: error.contains("timeout") ? "timeout" : "failure") }
            if let model = record.model { metrics.tokens(model: model, input: record.inputTokens, output: record.outputTokens) }
        }
        var line = JSONLine()
        line.field("time", string: Self.timestamp())
        line.field("method", string: request.method)
        line.field("path", string: request.path)
        line.field("listener", string: record.listener)
        if let route = record.route { line.field("route", string: route) }
        if let rule = record.rule { line.field("rule", integer: rule) }
        if let backend = record.backend { line.field("backend", string: backend) }
        line.field("status", integer: status)
        line.field("duration_ms", milliseconds: elapsed / 1e6)
        if let upstream = record.upstreamMilliseconds { line.field("upstream_ms", milliseconds: upstream) }
        if let model = record.model { line.field("model", string: model) }
        if let tokens = record.inputTokens { line.field("input_tokens", integer: tokens) }
        if let tokens = record.outputTokens { line.field("output_tokens", integer: tokens) }
        line.field("bytes_in", integer: request.body.readableBytes)
        line.field("bytes_out", integer: bytesOut)
        if let error = record.error { line.field("error", string: error) }
        let bytes = line.finished()
        buffer.withLockedValue { pending in
            pending += bytes
            if pending.count >= Self.flushBytes { Self.emit(&pending) }
        }
    }

    /// Writes the lines waiting (the periodic flush, and at exit).
    func flush() { buffer.withLockedValue { Self.emit(&$0) } }

    private static func emit(_ pending: inout [UInt8]) {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if written <= 0 { break }  // standard output closed: lines are dropped, serving goes on
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// UTC time with milliseconds (`2026-11-22T06:05:10.123Z`), made without a formatter object;
    /// the date and time up to the second are formatted once per second.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = Int(now.tv_nsec / 1_000_000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return secondPrefix(Int(now.tv_sec)) + "." + fraction + "Z"
    }

    private static let lastSecond = NIOLockedValueBox<(second: Int, text: String)>((-1, ""))

    private static func secondPrefix(_ second: Int) -> String {
        if let cached = lastSecond.withLockedValue({ $0.second == second ? $0.text : nil }) { return cached }
        var seconds = time_t(second)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        lastSecond.withLockedValue { $0 = (second, text) }
        return text
    }
}
