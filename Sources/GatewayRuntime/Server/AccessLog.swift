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
        Self.timestamp { line.field("time", plain: $0) }
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
        line.finish()
        buffer.withLockedValue { pending in
            pending.append(contentsOf: line.bytes)
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

    /// Passes UTC time with milliseconds (`2026-11-22T06:05:10.123Z`) to `use` as bytes, made
    /// without a formatter or a string: the date and time up to the second are formatted once per second.
    static func timestamp(_ use: (UnsafeRawBufferPointer) -> Void) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        var text = lastSecond.withLockedValue { $0.second == second ? $0.text : [] }
        if text.isEmpty {
            text = secondPrefix(second)
            lastSecond.withLockedValue { $0 = (second, text) }
        }
        let millis = Int(now.tv_nsec / 1_000_000)
        text.append(0x2E)
        text.append(UInt8(millis / 100) + 0x30)
        text.append(UInt8(millis / 10 % 10) + 0x30)
        text.append(UInt8(millis % 10) + 0x30)
        text.append(0x5A)
        text.withUnsafeBytes(use)
    }

    private static let lastSecond = NIOLockedValueBox<(second: Int, text: [UInt8])>((-1, []))

    private static func secondPrefix(_ second: Int) -> [UInt8] {
        var seconds = time_t(second)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text: [UInt8] = []
        text.appendDecimal(Int(parts.tm_year) + 1900, width: 4)
        for (separator, value) in [(0x2D, parts.tm_mon + 1), (0x2D, parts.tm_mday), (0x54, parts.tm_hour), (0x3A, parts.tm_min), (0x3A, parts.tm_sec)] as [(UInt8, Int32)] {
            text.append(separator)
            text.appendDecimal(Int(value), width: 2)
        }
        return text
    }
}
