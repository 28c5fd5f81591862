import Dispatch
import NIOCore
import NIOPosix

/// An upgraded connection through a plain route (`TunnelStateMachine` decides): the route's
/// policies ran on the upgrade request as on any other; the request goes upstream on a connection
/// of its own (never pooled: it will not be an HTTP connection again) with its `Connection:
/// upgrade` and `Upgrade` headers, and from then on bytes go both ways as they come, each side
/// paused while the other cannot take more. The access log line is written when the tunnel closes.
struct TunnelState {
    var upstream: (any Channel)?
    var machine = TunnelStateMachine()
    var closed = false
}

extension GatewayConnectionHandler {
    func startTunnel(_ target: RequestProcessor.PlainProxy, upgrade: String, processor: RequestProcessor, context: ChannelHandlerContext) {
        guard let request = answering?.request else { return }
        tunnel = TunnelState()
        var bytes = Self.requestBytes(request, to: target, allocator: context.channel.allocator)
        // The serialised head ends with a blank line: the upgrade headers go before it.
        bytes.moveWriterIndex(to: bytes.writerIndex - 2 - request.body.readableBytes)
        var rest = request.body
        bytes.writeString("connection: upgrade\r\nupgrade: \(upgrade)\r\n\r\n")
        bytes.writeBuffer(&rest)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let started = DispatchTime.now().uptimeNanoseconds
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(min(target.timeout, processor.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = target.tls { try channel.pipeline.syncOperations.addHandler(try tls.handler(serverHostname: target.host)) }
                    try channel.pipeline.syncOperations.addHandler(TunnelUpstreamHandler(client: bound))
                }
            }
            .connect(host: target.host, port: target.port)
            .assumeIsolated().whenComplete { result in
                switch result {
                case .success(let channel):
                    guard self.tunnel != nil, self.tunnel?.closed == false else { return channel.close(promise: nil) }
                    self.tunnel?.upstream = channel
                    self.answering?.record.upstreamMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                    channel.writeAndFlush(bytes, promise: nil)
                case .failure(let error):
                    self.tunnel = nil
                    self.answering?.record.error = "upstream failure: \(error)"
                    self.respond(.text(502, "upstream failure"))
                }
            }
    }

    /// Bytes from the upstream: to the client (and the end of a non-101 answer closes both).
    func tunnelUpstreamRead(_ buffer: ByteBuffer) {
        guard let context, tunnel != nil else { return }
        let action = tunnel?.machine.upstreamBytes(buffer.readableBytesView) ?? .forwardAndClose
        answering?.bytesOut += buffer.readableBytes
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        if !context.channel.isWritable { tunnel?.upstream?.setOption(.autoRead, value: false).whenFailure { _ in } }
        if action == .forwardAndClose { tunnel?.upstream?.close(promise: nil) }
    }

    /// Bytes from the client after the upgrade request: to the upstream, as they come.
    func tunnelClientRead(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard let upstream = tunnel?.upstream else { return }  // before the upstream answers, a client sends nothing
        upstream.writeAndFlush(buffer, promise: nil)
        if !upstream.isWritable { context.channel.setOption(.autoRead, value: false).whenFailure { _ in } }
    }

    func tunnelWritabilityChanged(clientWritable: Bool) {
        if clientWritable { tunnel?.upstream?.setOption(.autoRead, value: true).whenFailure { _ in } }
    }

    func tunnelUpstreamWritable() {
        context?.channel.setOption(.autoRead, value: true).whenFailure { _ in }
    }

    /// Either side closed: the other closes too, and the request is logged with its status.
    func tunnelClosed() {
        guard var state = tunnel, !state.closed else { return }
        state.closed = true
        tunnel = state
        state.upstream?.close(promise: nil)
        answering?.record.status = state.machine.status ?? 502
        if state.machine.status == nil, answering?.record.error == nil { answering?.record.error = "upstream closed before answering the upgrade" }
        let flushed = context?.channel.writeAndFlush(wrapOutboundOut(ByteBuffer()))
        complete(closing: true, after: flushed)
        tunnel = nil
    }
}

/// The upstream side of a tunnel: every read goes to the client's handler, on the same loop.
final class TunnelUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let client: NIOLoopBound<GatewayConnectionHandler>

    init(client: NIOLoopBound<GatewayConnectionHandler>) { self.client = client }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { client.value.tunnelUpstreamRead(unwrapInboundIn(data)) }
    func channelInactive(context: ChannelHandlerContext) { client.value.tunnelClosed() }
    func channelWritabilityChanged(context: ChannelHandlerContext) { if context.channel.isWritable { client.value.tunnelUpstreamWritable() } }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
