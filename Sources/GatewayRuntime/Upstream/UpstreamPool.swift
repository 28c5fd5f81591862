import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Keep-alive connections to plain HTTP upstreams, one pool per event loop, so that a proxied
/// request and its upstream connection share a thread: no hop between threads on the hot path.
/// A pool is only touched on its event loop.
final class UpstreamPool {
    let eventLoop: any EventLoop
    /// Keyed by host, port and TLS setting without joining them into a string.
    private struct Upstream: Hashable {
        let host: String
        let port: Int
        let tls: UpstreamTLS?
    }
    /// The idle connections to one upstream. A connection handler keeps the list of the upstream
    /// it used last, so that its next request finds it without hashing the host again.
    final class IdleConnections {
        fileprivate var connections: [UpstreamConnection] = []
    }
    private var idle: [Upstream: IdleConnections] = [:]
    /// Idle connections kept per upstream; more are closed when released.
    static let maxIdlePerUpstream = 128

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// The idle list of `host:port` over `tls` (made empty on first use; it lives as long as the pool).
    func idleConnections(host: String, port: Int, tls: UpstreamTLS?) -> IdleConnections {
        let key = Upstream(host: host, port: port, tls: tls)
        if let list = idle[key] { return list }
        let list = IdleConnections()
        idle[key] = list
        return list
    }

    /// An idle connection of `list`, if one is open (no future: the common case stays synchronous).
    func takeIdle(from list: IdleConnections) -> UpstreamConnection? {
        while let connection = list.connections.popLast() {
            if connection.channel.isActive { return connection }
        }
        return nil
    }

    /// A new connection to `host:port`, over `tls` when set (when no idle one is open, or after a
    /// pooled one failed).
    func connect(host: String, port: Int, tls: UpstreamTLS?, connectTimeout: TimeAmount) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try tls.handler(serverHostname: host)) }
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: host, port: port)
    }

    /// Returns a connection whose exchange ended cleanly and may be reused.
    func release(_ connection: UpstreamConnection, to list: IdleConnections) {
        guard connection.channel.isActive, list.connections.count < Self.maxIdlePerUpstream else {
            connection.channel.close(promise: nil)
            return
        }
        list.connections.append(connection)
    }

    /// Closes every idle connection (at shutdown); the lists stay, empty, for handlers that hold them.
    func closeAll() {
        for list in idle.values {
            for connection in list.connections { connection.channel.close(promise: nil) }
            list.connections.removeAll()
        }
    }
}

/// A pooled upstream connection and its handler (found once, when the connection is made).
struct UpstreamConnection {
    let channel: any Channel
    let handler: UpstreamHandler

    init?(_ channel: any Channel) {
        guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self) else { return nil }
        self.channel = channel
        self.handler = handler
    }
}

/// The pools of every event loop of a group, each made and used on its own loop: plain routes'
/// idle connections (`UpstreamPool`) and the AI path's bounded leases (`UpstreamLeases`).
final class UpstreamPools: Sendable {
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamPool?>]
    private let leases: [ObjectIdentifier: NIOLoopBoundBox<UpstreamLeases?>]
    /// The default TLS setting: providers' own endpoints.
    let tls: UpstreamTLS

    init(group: any EventLoopGroup, tls: UpstreamTLS = UpstreamTLS()) {
        var pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamPool?>] = [:]
        var leases: [ObjectIdentifier: NIOLoopBoundBox<UpstreamLeases?>] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: UpstreamPool.self, eventLoop: loop)
            leases[ObjectIdentifier(loop)] = .makeEmptyBox(valueType: UpstreamLeases.self, eventLoop: loop)
        }
        self.pools = pools
        self.leases = leases
        self.tls = tls
    }

    /// The leases of `eventLoop`; call on that loop.
    func leases(for eventLoop: any EventLoop) -> UpstreamLeases {
        guard let box = leases[ObjectIdentifier(eventLoop)] else { return UpstreamLeases(eventLoop: eventLoop) }
        if let made = box.value { return made }
        let made = UpstreamLeases(eventLoop: eventLoop)
        box.value = made
        return made
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
        for box in leases.values {
            box.eventLoop.execute { box.value?.closeAll() }
        }
    }
}

/// Receives what comes back on an upstream connection for the exchange using it.
protocol UpstreamReceiver: AnyObject {
    func upstreamReceived(_ event: UpstreamResponseParser.Event)
    /// The events of one read from the upstream have been delivered (a moment to flush).
    func upstreamReadComplete()
    func upstreamFailed(_ error: any Error)
}

/// The only handler of a plain upstream connection: writes an exchange's request bytes and frames
/// the answer's bytes for the exchange's receiver, without HTTP decoding or encoding.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private weak var receiver: (any UpstreamReceiver)?
    private var parser: UpstreamResponseParser?
    private var context: ChannelHandlerContext?
    /// Counts exchanges, so that an exchange begun while the previous one's last read is being
    /// delivered (the connection went back to the pool and out again) is not overwritten.
    private var exchange = 0

    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the upstream closed the connection" }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends `request` (head and body, already serialised) and directs the answer to `receiver`.
    func begin(_ request: ByteBuffer, requestWasHead: Bool, dechunk: Bool, receiver: any UpstreamReceiver) {
        exchange += 1
        self.receiver = receiver
        parser = UpstreamResponseParser(requestWasHead: requestWasHead, dechunk: dechunk)
        context?.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    /// The exchange no longer listens (it ended, failed or was abandoned).
    func detach() {
        receiver = nil
        parser = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var parser else {
            // Bytes nobody asked for: the connection's framing is lost.
            return context.close(promise: nil)
        }
        let current = exchange
        self.parser = nil
        do {
            try parser.feed(unwrapInboundIn(data)) { event in self.receiver?.upstreamReceived(event) }
            if current == exchange, !parser.isComplete { self.parser = parser }
        } catch {
            fail(error, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if var parser {
            self.parser = nil
            do {
                try parser.connectionClosed { event in self.receiver?.upstreamReceived(event) }
                receiver?.upstreamReadComplete()
            } catch {
                receiver?.upstreamFailed(ConnectionClosed())
            }
        }
        receiver = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        let receiver = self.receiver
        detach()
        receiver?.upstreamFailed(error)
        context.close(promise: nil)
    }
}
