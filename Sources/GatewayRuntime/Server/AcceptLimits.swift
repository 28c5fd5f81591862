import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// What keeps gwrun serving at its limits: accepting pauses when the process is out of file
/// descriptors (NIO would otherwise retry `accept` at once, forever: 98% CPU and no client
/// answered), and connections beyond `maxConnections` are answered 503 and closed instead of
/// taking a descriptor an upstream needs. Both are counted and logged, at most once per 10 s.
final class AcceptLimits: Sendable {
    let maxConnections: Int
    let open = Atomic<Int>(0)
    private let lastLogged = NIOLockedValueBox<[String: UInt64]>([:])
    private let logger: Logger
    private let metrics: GatewayMetrics?
    /// How long accepting pauses after it failed for want of descriptors.
    static let backoff = TimeAmount.milliseconds(250)

    init(maxConnections: Int, logger: Logger, metrics: GatewayMetrics?) {
        self.maxConnections = maxConnections
        self.logger = logger
        self.metrics = metrics
    }

    /// Half the soft descriptor limit less 32 (for listeners, logs and the table): each client
    /// connection may need an upstream connection of its own.
    static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        #if os(Linux)
        let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
        let status = getrlimit(RLIMIT_NOFILE, &limit)
        #endif
        guard status == 0, limit.rlim_cur < rlim_t(Int32.max) else { return 10_000 }  // unlimited or huge
        return max(1, (Int(clamping: limit.rlim_cur) - 32) / 2)
    }

    /// Counts and logs a failed accept; `AcceptPause` pauses accepting for `backoff`.
    func acceptFailed(_ error: IOError) {
        metrics?.acceptFailed()
        logRarely("accept") {
            "cannot accept connections: \(String(cString: strerror(error.errnoCode))); \(open.load(ordering: .relaxed)) open; accepting pauses \(Self.backoff.nanoseconds / 1_000_000) ms at a time (--max-connections is \(maxConnections))"
        }
    }

    /// Counts a new connection; false when it is one too many (the caller refuses it).
    func admit(_ channel: any Channel) -> Bool {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        channel.closeFuture.whenComplete { [self] _ in open.subtract(1, ordering: .relaxed) }
        guard count > maxConnections else { return true }
        metrics?.connectionRefused()
        logRarely("max") { "refusing connections beyond --max-connections \(maxConnections) with 503" }
        return false
    }

    /// A connection from beyond the LAN to a LAN-only Gateway: counted, and logged with its
    /// address at most every 10 s (a scan must not flood the log).
    /// `rule` says what refused it: the LAN-only annotation or a networkAuthorization policy.
    func refusedSource(_ address: SocketAddress, rule: String = "a LAN-only Gateway (gwc.dev/exposure: lan)") {
        metrics?.sourceRefused()
        logRarely("source") { "refused a connection from \(address.ipAddress ?? "an unknown address"): \(rule); further refusals are counted in gwrun_source_refusals_total" }
    }

    /// A connection closed over its PROXY header (missing, malformed, untrusted).
    func refusedProxy(_ address: SocketAddress, reason: String) {
        metrics?.sourceRefused()
        logRarely("proxy") { "closed a connection from \(address.ipAddress ?? "an unknown address"): \(reason); further ones are counted in gwrun_source_refusals_total" }
    }

    private func logRarely(_ kind: String, _ message: () -> String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let due = lastLogged.withLockedValue { last -> Bool in
            if let previous = last[kind], now - previous < 10_000_000_000 { return false }
            last[kind] = now
            return true
        }
        if due { logger.warning("\(message())") }
    }
}

/// Pauses a listener's accepting after `accept` failed for want of descriptors or memory, by
/// turning its auto-read off (which takes the socket out of epoll) and on again after the backoff.
/// NIO's `AcceptBackoffHandler` only delays the next read request: after a failed accept the
/// socket stays registered and epoll wakes the loop at once, so accept4 ran 4,000 times a second.
final class AcceptPause: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel
    private let limits: AcceptLimits
    private var paused = false

    init(limits: AcceptLimits) { self.limits = limits }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode) else {
            return context.fireErrorCaught(error)
        }
        limits.acceptFailed(error)
        guard !paused else { return }
        paused = true
        let channel = context.channel
        channel.setOption(.autoRead, value: false).whenFailure { _ in }
        context.eventLoop.assumeIsolated().scheduleTask(in: AcceptLimits.backoff) {
            self.paused = false
            channel.setOption(.autoRead, value: true).whenFailure { _ in }
        }
    }
}

/// Closes a connection refused by its source address at once, without reading or answering it.
final class SourceRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelActive(context: ChannelHandlerContext) { context.close(promise: nil) }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Answers a connection over the limit with 503 before reading anything, and closes it; what
/// the client sent meanwhile is read and dropped, so the close does not reset the answer away.
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    static let answer = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\nretry-after: 1\r\nconnection: close\r\n\r\ntoo many connections\n"

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        // A short wait for what the client sends at once, then the descriptor is free again (a
        // scan of thousands of connections must not keep them for long).
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: Self.answer))).whenComplete { _ in
            channel.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelInactive(context: ChannelHandlerContext) { context.fireChannelInactive() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
