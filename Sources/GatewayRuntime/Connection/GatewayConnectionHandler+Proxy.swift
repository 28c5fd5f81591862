import Dispatch
import NIOCore
import NIOHTTP1

/// A plain route's exchange: the request serialised once and sent on a pooled connection of the
/// connection's loop, the answer framed (`UpstreamResponseParser`) and its bytes passed on as they
/// came. `ProxyExchangeStateMachine` decides; this executes.
struct ProxyState {
    /// Tells this exchange's callbacks from those of one that ended before them (a connect that
    /// completes after its request timed out must not serve the next request).
    var serial: Int
    var started: UInt64
    var target: RequestProcessor.PlainProxy
    var processor: RequestProcessor
    var exchange: ProxyExchangeStateMachine
    var upstream: UpstreamConnection?
    /// The head (and the first small body pieces) of the answer, written as one.
    var pendingOut: ByteBuffer?
    var unflushed = false
    /// The answer ends by closing the client's connection.
    var answerCloses = false
}

/// One deadline timer per connection, kept across requests and moved only when a deadline comes
/// earlier than it fires, so a request costs no timer of its own.
struct ProxyTimer {
    var scheduled: Scheduled<Void>?
    var firesAt: NIODeadline?
}

extension GatewayConnectionHandler: UpstreamReceiver {
    func startProxy(_ target: RequestProcessor.PlainProxy, processor: RequestProcessor, context: ChannelHandlerContext) {
        let deadline = context.eventLoop.now + target.timeout
        local.exchangeSerial += 1
        proxy = ProxyState(
            serial: local.exchangeSerial, started: DispatchTime.now().uptimeNanoseconds, target: target, processor: processor,
            exchange: ProxyExchangeStateMachine(deadline: deadline, retry: target.retry))
        if timer.firesAt.map({ $0 > deadline }) ?? true { armTimer(at: deadline, context: context) }
        connect(fresh: false)
    }

    private func armTimer(at due: NIODeadline, context: ChannelHandlerContext) {
        timer.scheduled?.cancel()
        timer.firesAt = due
        timer.scheduled = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) {
            self.timer = ProxyTimer()
            guard let context = self.context, let exchange = self.proxy?.exchange, !exchange.isFinished else { return }
            if exchange.deadline > context.eventLoop.now { return self.armTimer(at: exchange.deadline, context: context) }
            self.execute(self.proxy?.exchange.timerFired(now: context.eventLoop.now) ?? .none)
        }
    }

    /// The connection is gone: its deadline timer goes with it. An exchange's end leaves the timer
    /// scheduled: it finds no exchange when it fires, or the next one's later deadline and waits
    /// for that (scheduling and cancelling a timer per request was three allocations each).
    func stopProxyTimer() {
        timer.scheduled?.cancel()
        timer = ProxyTimer()
    }

    private func connect(fresh: Bool) {
        guard let target = proxy?.target, let pool = local.pool, let idle = local.idleConnections(host: target.host, port: target.port, tls: target.tls) else { return }
        if !fresh, let connection = pool.takeIdle(from: idle) { return send(on: connection, reused: true) }
        let connectTimeout = min(target.timeout, proxy?.processor.connectTimeout ?? .seconds(5))
        let serial = proxy?.serial
        pool.connect(host: target.host, port: target.port, tls: target.tls, connectTimeout: connectTimeout).assumeIsolated().whenComplete { result in
            guard self.proxy?.serial == serial else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel):
                guard let connection = UpstreamConnection(channel) else {
                    channel.close(promise: nil)
                    return self.execute(self.proxy?.exchange.connectFailed("connection not usable") ?? .none)
                }
                guard self.proxy?.exchange.isFinished == false else { return pool.release(connection, to: idle) }
                self.send(on: connection, reused: false)
            case .failure(let error):
                self.execute(self.proxy?.exchange.connectFailed("\(error)") ?? .none)
            }
        }
    }

    private func send(on connection: UpstreamConnection, reused: Bool) {
        guard let context, let request = answering?.request, let version = answering?.version, proxy?.exchange.connected(reused: reused) == true, let target = proxy?.target else {
            return
        }
        proxy?.upstream = connection
        connection.handler.begin(
            Self.requestBytes(request, to: target, allocator: context.channel.allocator), requestWasHead: request.method == "HEAD", dechunk: version.minor == 0, receiver: self)
    }

    /// The proxied request as it goes upstream: its head serialised once, straight into the buffer
    /// that carries the body.
    static func requestBytes(_ request: IncomingRequest, to target: RequestProcessor.PlainProxy, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: 256 + request.body.readableBytes)
        out.writeString(request.method)
        out.writeStaticString(" ")
        out.writeString(target.target)
        out.writeStaticString(" HTTP/1.1\r\nhost: ")
        out.writeString(target.hostHeader)
        out.writeStaticString("\r\n")
        for header in target.headers {
            // The body is already read: an expectation is met here, not upstream.
            if header.name.utf8.count == 6, HeaderName.matches(header.name, "expect") { continue }
            HTTPBytes.writeField(header, into: &out)
        }
        if request.body.readableBytes > 0 || ["POST", "PUT", "PATCH"].contains(request.method) {
            out.writeStaticString("content-length: ")
            out.writeString(String(request.body.readableBytes))
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
        out.writeImmutableBuffer(request.body)
        return out
    }

    func upstreamReceived(_ event: UpstreamResponseParser.Event) {
        guard let context, let version = answering?.version, proxy != nil else { return }
        switch event {
        case .head(let head):
            switch proxy?.exchange.headReceived(status: head.status, now: context.eventLoop.now) ?? .none {
            case .none: return
            case .retry(let backoff):
                // Nothing of this answer reached the client: drop it and try again.
                detachUpstream(reuse: false)
                return retry(after: backoff)
            case .forward: break
            }
            answering?.record.status = head.status
            answering?.record.upstreamMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - (proxy?.started ?? 0)) / 1e6
            let dechunked = version.minor == 0 && head.framing == .chunked
            // An answer framed by the upstream's close, or a dechunked one, ends only when the
            // client's connection closes.
            let closes = answerCloses || head.framing == .untilClose || dechunked
            proxy?.answerCloses = closes
            var replacing: [(name: String, value: String)]?
            // The response stages see a proxied answer's head too (rewritten only when one applies).
            if let processor = proxy?.processor, let record = answering?.record, RequestPipeline.observesResponses(rule: proxy?.target.rule, record: record, processor: processor) {
                var headers = head.headers
                RequestPipeline.observe(&headers, status: head.status, rule: proxy?.target.rule, record: record, processor: processor)
                replacing = headers
            }
            var out = context.channel.allocator.buffer(capacity: 512)
            ClientWriter.proxiedHead(head, version: version, dechunked: dechunked, closing: closes, replacing: replacing, requestID: answering?.record.requestID ?? "", into: &out)
            proxy?.pendingOut = out
        case .body(let piece):
            answering?.bytesOut += piece.readableBytes
            // A small piece joins the head in one write.
            if proxy?.pendingOut != nil, piece.readableBytes <= 16 * 1024 {
                proxy?.pendingOut?.writeImmutableBuffer(piece)
            } else {
                writePendingOut()
                context.write(wrapOutboundOut(piece), promise: nil)
                proxy?.unflushed = true
            }
            if !context.channel.isWritable {
                // The flush may drain the client's socket at once (and the channel report itself
                // writable again before the pause is set): pause only if it is still full.
                flushOut()
                if proxy?.exchange.bodyReceived(clientWritable: context.channel.isWritable) == .forwardAndPause {
                    proxy?.upstream?.channel.setOption(.autoRead, value: false).whenFailure { _ in }
                }
            }
        case .end(let reusable):
            guard proxy?.exchange.ended() == true else { return }
            detachUpstream(reuse: reusable)
            writePendingOut()
            if proxy?.answerCloses == true || shared.control.isDraining {
                proxy?.unflushed = false
                complete(closing: true, after: context.writeAndFlush(wrapOutboundOut(ByteBuffer())))
            } else {
                flushOut()
                complete(closing: false, after: nil)
            }
        }
    }

    func upstreamReadComplete() { flushOut() }

    func upstreamFailed(_ error: any Error) {
        execute(proxy?.exchange.failed("\(error)") ?? .none)
    }

    /// Carries out a failure's action.
    private func execute(_ action: ProxyExchangeStateMachine.FailureAction) {
        switch action {
        case .none: return
        case .retry:
            detachUpstream(reuse: false)
            connect(fresh: true)
        case .retryAfter(let backoff):
            detachUpstream(reuse: false)
            retry(after: backoff)
        case .answer(let status, let error):
            detachUpstream(reuse: false)
            answering?.record.error = error
            let response = status == 504 ? GatewayResponse.text(504, "upstream did not answer in time") : .text(502, "upstream failure")
            var record = answering?.record ?? AccessRecord()
            let answer = proxy?.processor.finish(response, rule: proxy?.target.rule, record: &record) ?? response
            answering?.record = record
            respond(answer)
        case .cut(let error):
            // Part of the answer is out: what arrived is sent, then only closing the connection
            // (without the answer's end) tells the client it is cut.
            detachUpstream(reuse: false)
            answering?.record.error = error
            flushOut()
            complete(closing: true, after: nil)
        }
    }

    /// A retry policy's next attempt, after its backoff (on this loop; dropped if the exchange ended meanwhile).
    private func retry(after backoff: TimeAmount) {
        guard let context else { return }
        let serial = proxy?.serial
        answering?.record.retries += 1
        context.eventLoop.assumeIsolated().scheduleTask(in: backoff) {
            guard self.proxy?.serial == serial, self.proxy?.exchange.backoffElapsed() == true else { return }
            self.connect(fresh: false)
        }
    }

    func proxyClientWritable(context: ChannelHandlerContext) {
        // A slow client paused the upstream instead of growing buffers.
        if context.channel.isWritable, proxy?.exchange.clientWritable() == true {
            proxy?.upstream?.channel.setOption(.autoRead, value: true).whenFailure { _ in }
        }
    }

    /// The client went away during a plain exchange.
    func proxyClientClosed() {
        guard proxy != nil, proxy?.exchange.isFinished == false else { return }
        proxy?.exchange.abandon()
        if answering?.record.error == nil { answering?.record.error = "client closed the connection" }
        detachUpstream(reuse: false)
        complete(closing: true, after: nil)
    }

    private func writePendingOut() {
        guard let context, let out = proxy?.pendingOut else { return }
        proxy?.pendingOut = nil
        context.write(wrapOutboundOut(out), promise: nil)
        proxy?.unflushed = true
    }

    private func flushOut() {
        writePendingOut()
        guard let context, proxy?.unflushed == true else { return }
        proxy?.unflushed = false
        context.flush()
    }

    /// Detaches the upstream connection: back to the pool after a clean, reusable answer, else closed.
    private func detachUpstream(reuse: Bool) {
        guard let connection = proxy?.upstream else { return }
        proxy?.upstream = nil
        connection.handler.detach()
        if proxy?.exchange.upstreamDetached() == true { connection.channel.setOption(.autoRead, value: true).whenFailure { _ in } }
        if reuse, let target = proxy?.target, let pool = local.pool, let idle = local.idleConnections(host: target.host, port: target.port, tls: target.tls) {
            pool.release(connection, to: idle)
        } else {
            connection.channel.close(promise: nil)
        }
    }
}
