import NIOCore
import NIOHTTP1

/// Protects a listener from clients that hold connections without using them: a keep-alive
/// connection idle longer than `idleTimeout` is closed; a request whose head and body take longer
/// than `requestReadTimeout` to arrive gets 408 and its connection closes. It also answers the
/// HTTP decoder's refusals: 431 for headers over the limit, 400 for anything else malformed.
/// Sits between the HTTP codec and the connection's async channel.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let idleTimeout: TimeAmount
    private let requestReadTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// A response has started and not ended: the guard must not write one of its own.
    private var responding = false
    /// Requests read and not yet answered (their handling may take long; no timer runs then).
    private var pending = 0

    init(idleTimeout: TimeAmount, requestReadTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, after: idleTimeout, answer: nil)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, after: idleTimeout, answer: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, after: requestReadTimeout, answer: .requestTimeout)
        case .body: break
        case .end:
            pending += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responding = true
        case .end:
            responding = false
            pending = max(0, pending - 1)
            if pending == 0 { arm(context, after: idleTimeout, answer: nil) }
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        disarm()
        if responding {
            context.close(promise: nil)
        } else {
            refuse(context, parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest)
        }
    }

    private func arm(_ context: ChannelHandlerContext, after delay: TimeAmount, answer: HTTPResponseStatus?) {
        disarm()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (guardHandler, context) = loopBound.value
            guardHandler.timer = nil
            if let answer, !guardHandler.responding, guardHandler.pending == 0 {
                guardHandler.refuse(context, answer)
            } else if guardHandler.pending == 0, !guardHandler.responding {
                context.close(promise: nil)
            }
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    /// Answers with `status` and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus) {
        var headers = HTTPHeaders()
        let body = "\(status.code) \(status.reasonPhrase)\n"
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        responding = true
    }
}
