import NIOCore
import NIOHTTP1

/// Protects a listener from clients that hold connections without using them: a keep-alive
/// connection idle longer than `idleTimeout` is closed; a request whose head and body take longer
/// than `requestReadTimeout` to arrive gets 408 and its connection closes. It also answers the
/// request parser's refusals (431 for a head over the limits, 400 for anything malformed, ...).
/// Sits after the HTTP codec on the outbound side only, where it sees every answer begin and end;
/// the connection handler tells it of requests (an inbound hop per request part would cost more
/// than the guard's work) and passes it the parser's refusals.
final class ConnectionGuard: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let idleTimeout: TimeAmount
    private let requestReadTimeout: TimeAmount
    /// What the connection is doing, and since when: a request costs two clock readings, not a
    /// timer each; one repeated check per connection (every quarter of the shorter timeout, so a
    /// timeout acts between 1 and 1.25 times its value) acts on it.
    private enum Phase { case idle(since: NIODeadline), reading(since: NIODeadline), answering }
    private var phase = Phase.idle(since: .now())
    private var check: RepeatedTask?
    /// A response has started and not ended: the guard must not write one of its own.
    private var responding = false
    /// Requests read and not yet answered (their handling may take long; no timeout applies then).
    private var pending = 0

    init(idleTimeout: TimeAmount, requestReadTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.requestReadTimeout = requestReadTimeout
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        phase = .idle(since: .now())
        let period = TimeAmount.nanoseconds(max(min(idleTimeout, requestReadTimeout).nanoseconds / 4, 1_000_000))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            let (handler, context) = loopBound.value
            handler.enforce(context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        self.context = nil
    }

    /// A request's head arrived: its body must follow within the read timeout.
    func requestBegan() { phase = .reading(since: .now()) }

    /// A request was read whole: it is answered whatever it takes.
    func requestRead() {
        pending += 1
        phase = .answering
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseBegan()
        case .end: responseEnded()
        default: break
        }
        context.write(data, promise: promise)
    }

    /// An answer's head went out (also called for a proxied answer written past the encoder).
    func responseBegan() { responding = true }

    /// An answer's end went out.
    func responseEnded() {
        responding = false
        pending = max(0, pending - 1)
        if pending == 0 { phase = .idle(since: .now()) }
    }

    private func enforce(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        switch phase {
        case .idle(let since) where now - since >= idleTimeout:
            check?.cancel()
            context.close(promise: nil)
        case .reading(let since) where now - since >= requestReadTimeout && !responding && pending == 0:
            check?.cancel()
            refuse(context, .requestTimeout)
        default:
            break
        }
    }

    /// Answers a request the parser refused (431, 400, 501, 505) and closes the connection; only
    /// closes it when an answer is already under way.
    func refuse(_ malformed: RequestParser.Malformed) {
        guard let context else { return }
        check?.cancel()
        if responding {
            context.close(promise: nil)
        } else {
            refuse(context, HTTPResponseStatus(statusCode: malformed.status), reason: malformed.description)
        }
    }

    /// Answers with `status` and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, reason: String? = nil) {
        var headers = HTTPHeaders()
        let body = "\(status.code) \(status.reasonPhrase)\(reason.map { ": " + $0 } ?? "")\n"
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        responding = true
    }
}
