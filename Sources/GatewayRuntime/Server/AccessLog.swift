import CoreFoundation
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One JSON line per request on standard output, and the request's metrics. Lines are written in
/// batches (whole lines only, at 32 KiB or every 200 ms and at exit, like nginx's
/// `access_log buffer= flush=`), so a busy gateway makes one write(2) per many requests. Each
/// event loop has its own batch (and its own cache of metric handles), so logging takes no lock
/// shared between threads; only the write(2) of a batch does, so batches never interleave.
struct AccessLog: Sendable {
    let metrics: GatewayMetrics?
    /// Made empty (a loop-bound value can only be made on its loop) and filled on first use.
    private let batches: [ObjectIdentifier: NIOLoopBoundBox<Batch?>]
    /// For a request served on a loop of another group (none in gwrun; kept for safety).
    private let shared = NIOLockedValueBox<[UInt8]>([])
    private static let output = NIOLock()
    static let flushBytes = 32 << 10

    /// A loop's lines not yet written, the metric handles its requests used and its clock's
    /// current second as text. A connection finds its loop's batch once and passes it with every
    /// request it logs, so logging costs no lookup, lock or formatting of the date per request.
    final class Batch {
        /// Room for a whole batch from the start: growing it line by line would copy it each time.
        var bytes: [UInt8] = { var bytes = [UInt8](); bytes.reserveCapacity(AccessLog.flushBytes + 1024); return bytes }()
        var requestMetrics: [GatewayMetrics.RequestKey: GatewayMetrics.RequestHandles] = [:]
        /// The handles of the last request logged: a connection's requests mostly share them, and
        /// comparing the key (names of one table compare as the same strings) costs less than hashing it.
        var lastMetrics: (key: GatewayMetrics.RequestKey, handles: GatewayMetrics.RequestHandles)?
        var clock = SecondText()
    }

    /// UTC date and time up to the second, formatted once per second.
    struct SecondText {
        var second = -1
        var text: [UInt8] = []
    }

    init(metrics: GatewayMetrics?, group: any EventLoopGroup) {
        self.metrics = metrics
        var batches: [ObjectIdentifier: NIOLoopBoundBox<Batch?>] = [:]
        for loop in group.makeIterator() { batches[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: Batch.self, eventLoop: loop) }
        self.batches = batches
    }

    /// The batch of `eventLoop`, made on first use; nil for a loop of another group. Call on that loop.
    func batch(for eventLoop: any EventLoop) -> Batch? {
        guard let box = batches[ObjectIdentifier(eventLoop)], box.eventLoop.inEventLoop else { return nil }
        if let batch = box.value { return batch }
        let batch = Batch()
        box.value = batch
        return batch
    }

    /// Logs a request answered on the loop of `batch` (the caller runs on it; nil: another group's loop).
    func write(_ request: IncomingRequest, status: Int, _ record: AccessRecord, bytesOut: Int, started: UInt64, into batch: Batch?) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started)
        if let metrics {
            let key = GatewayMetrics.RequestKey(route: record.route ?? "", backend: record.backend ?? "", status: status)
            let handles: GatewayMetrics.RequestHandles
            if let last = batch?.lastMetrics, last.key == key {
                handles = last.handles
            } else if let cached = batch?.requestMetrics[key] {
                handles = cached
                batch?.lastMetrics = (key, cached)
            } else {
                handles = metrics.requestHandles(key)
                batch?.requestMetrics[key] = handles
                batch?.lastMetrics = (key, handles)
            }
            handles.record(nanoseconds: Int64(elapsed))
            if let error = record.error, status == 502 || status == 504 {
                metrics.upstreamError(backend: record.backend ?? "", kind: error.contains("timeout") ? "timeout" : "failure")
                if let backend = record.backend { metrics.upstreamFailures(backend: backend, consecutive: metrics.health.failed(backend, error: error)) }
            } else if let backend = record.backend, record.upstreamMilliseconds != nil, metrics.health.succeeded(backend) {
                metrics.upstreamFailures(backend: backend, consecutive: 0)
            }
            if let model = record.model { metrics.tokens(model: model, input: record.inputTokens, output: record.outputTokens) }
            if let provider = record.provider {
                metrics.genAI(operation: record.operation ?? "chat", provider: provider, model: record.model ?? "", inputTokens: record.inputTokens,
                              outputTokens: record.outputTokens, seconds: elapsed / 1e9, firstTokenSeconds: record.firstTokenMilliseconds.map { $0 / 1e3 })
            }
        }
        // The line is written straight into the batch (taken out and put back, so it is never copied).
        var pending: [UInt8] = []
        if let batch { swap(&pending, &batch.bytes) }
        var line = JSONLine(appendingTo: consume pending)
        if let batch {
            let millis = Self.tick(&batch.clock)
            line.field("time", second: batch.clock.text, milliseconds: millis)
        } else {
            let (second, millis) = Self.sharedClock.withLockedValue { clock in
                let millis = Self.tick(&clock)
                return (clock.text, millis)
            }
            line.field("time", second: second, milliseconds: millis)
        }
        if !record.requestID.isEmpty { line.field("request_id", string: record.requestID) }
        line.field("method", string: request.method)
        if let host = record.host { line.field("host", string: host) }
        line.field("path", string: request.path)
        line.field("listener", string: record.listener)
        if let peer = request.peer { line.field("peer", string: peer) }
        if let route = record.route { line.field("route", string: route) }
        if let rule = record.rule { line.field("rule", integer: rule) }
        if let backend = record.backend { line.field("backend", string: backend) }
        if let client = record.client { line.field("client", string: client) }
        if let agent = record.userAgent { line.field("user_agent", string: agent) }
        if let method = record.authMethod { line.field("auth", string: method) }
        line.field("status", integer: status)
        line.field("duration_ms", milliseconds: elapsed / 1e6)
        if let upstream = record.upstreamMilliseconds { line.field("upstream_ms", milliseconds: upstream) }
        if let model = record.model { line.field("model", string: model) }
        if let tokens = record.inputTokens { line.field("input_tokens", integer: tokens) }
        if let tokens = record.outputTokens { line.field("output_tokens", integer: tokens) }
        line.field("bytes_in", integer: request.body.readableBytes)
        line.field("bytes_out", integer: bytesOut)
        if record.retries > 0 { line.field("retries", integer: record.retries) }
        if let action = record.guardAction { line.field("guard", string: action) }
        if let error = record.error { line.field("error", string: error) }
        var lines = line.finish()
        if let batch {
            if lines.count >= Self.flushBytes { Self.emit(&lines) }
            batch.bytes = lines
        } else {
            shared.withLockedValue { $0 += lines }
        }
    }

    /// Writes every loop's waiting lines, each on its loop (the periodic flush).
    func flush() {
        for box in batches.values { box.eventLoop.execute { if let batch = box.value { Self.emit(&batch.bytes) } } }
        shared.withLockedValue { Self.emit(&$0) }
    }

    /// Writes every loop's waiting lines and returns once they are written (at exit).
    func flushAll() async {
        for box in batches.values { try? await box.eventLoop.submit { if let batch = box.value { Self.emit(&batch.bytes) } }.get() }
        shared.withLockedValue { Self.emit(&$0) }
    }

    private static func emit(_ pending: inout [UInt8]) {
        guard !pending.isEmpty else { return }
        output.withLock {
            var offset = 0
            while offset < pending.count {
                let written = pending.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
                if written <= 0 { break }  // standard output closed: lines are dropped, serving goes on
                offset += written
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Brings `clock` to the current second (formatted once per second, without a formatter or a
    /// string) and returns the milliseconds within it.
    static func tick(_ clock: inout SecondText) -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        if clock.second != second {
            clock.second = second
            clock.text = secondPrefix(second)
        }
        return Int(now.tv_nsec / 1_000_000)
    }

    /// The clock of lines logged without a batch.
    private static let sharedClock = NIOLockedValueBox(SecondText())

    static func secondPrefix(_ second: Int) -> [UInt8] {
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
