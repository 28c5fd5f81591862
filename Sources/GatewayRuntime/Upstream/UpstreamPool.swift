import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Keep-alive connections to plain HTTP upstreams, one pool per event loop, so that a proxied
/// request and its upstream connection share a thread: no hop between threads on the hot path.
/// A pool is only touched on its event loop.
final class UpstreamPool {
    let eventLoop: any EventLoop
    private var idle: [String: [any Channel]] = [:]
    /// Idle connections kept per upstream; more are closed when released.
    static let maxIdlePerUpstream = 128

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// An idle connection to `host:port`, if one is open (no future: the common case stays synchronous).
    func takeIdle(host: String, port: Int) -> (any Channel)? {
        let key = "\(host):\(port)"
        while let channel = idle[key]?.popLast() {
            if channel.isActive { return channel }
        }
        return nil
    }

    /// A new connection to `host:port` (when no idle one is open, or after a pooled one failed).
    func connect(host: String, port: Int, connectTimeout: TimeAmount) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Outbound validation off: the request head is the client's, already parsed by NIO.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: host, port: port)
    }

    /// Returns a connection whose exchange ended cleanly and may be reused.
    func release(_ channel: any Channel, host: String, port: Int) {
        let key = "\(host):\(port)"
        guard channel.isActive, idle[key, default: []].count < Self.maxIdlePerUpstream else {
            channel.close(promise: nil)
            return
        }
        idle[key, default: []].append(channel)
    }

    /// Closes every idle connection (at shutdown).
    func closeAll() {
        for channels in idle.values { for channel in channels { channel.close(promise: nil) } }
        idle.removeAll()
    }
}

/// The pools of every event loop of a group, each made and used on its own loop.
final class UpstreamPools: Sendable {
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamPool?>]

    init(group: any EventLoopGroup) {
        var pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamPool?>] = [:]
        for loop in group.makeIterator() { pools[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: UpstreamPool.self, eventLoop: loop) }
        self.pools = pools
    }

    /// The pool of `eventLoop`; call on that loop.
    func pool(for eventLoop: any EventLoop) -> UpstreamPool {
        guard let box = pools[ObjectIdentifier(eventLoop)] else { return UpstreamPool(eventLoop: eventLoop) }  // another group's loop: unpooled
        if let pool = box.value { return pool }
        let pool = UpstreamPool(eventLoop: eventLoop)
        box.value = pool
        return pool
    }

    func closeAll() {
        for box in pools.values {
            box.eventLoop.execute { box.value?.closeAll() }
        }
    }
}

/// Receives what comes back on an upstream connection for the exchange using it.
protocol UpstreamReceiver: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    func upstreamFailed(_ error: any Error)
}

/// The last handler of an upstream connection: passes response parts to the current exchange.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    weak var receiver: (any UpstreamReceiver)?

    struct ConnectionClosed: Error {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver?.upstreamReceived(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        receiver?.upstreamFailed(ConnectionClosed())
        receiver = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        receiver?.upstreamFailed(error)
        receiver = nil
        context.close(promise: nil)
    }
}
