import Dispatch
import GatewayIR
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Synchronization

/// Serves one client connection, one request at a time: requests a client pipelines behind the
/// one being answered wait in a short queue (reading pauses when it is full). Everything but the AI exchange
/// runs on the connection's event loop: routing, immediate answers, and plain proxying through a
/// pooled upstream connection on the same loop, its answer streamed back as it arrives. An AI
/// request runs as a task (translation, async-http-client) that writes its answer to the channel.
final class GatewayConnectionHandler: ChannelInboundHandler, UpstreamReceiver {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    /// What every connection of a server shares.
    struct Shared: Sendable {
        let processor: RequestProcessor
        let control: GatewayServer.Control
        let log: AccessLog
        let pools: UpstreamPools
        let maxBodyBytes: Int
        /// Answers on the admin listener (nil on a table listener).
        let admin: (@Sendable (IncomingRequest) -> GatewayResponse)?
    }

    private let shared: Shared
    private let tablePort: Int
    private var context: ChannelHandlerContext?

    // The request being read.
    private var parser: RequestParser
    private var head: RequestParser.Head?
    private var body = ByteBuffer()
    private var tooLarge = false
    /// Whole requests read while another is answered (pipelining), oldest first.
    private var waiting: [(head: RequestParser.Head, body: ByteBuffer, tooLarge: Bool)] = []
    private var readingPaused = false
    static let maxWaiting = 8
    /// The current read completed a request (to tell the guard when the next one begins).
    private var requestEnded = false
    /// A fault found after requests that are still to be answered: refused once they are.
    private var refusal: RequestParser.Malformed?

    // The request being answered.
    private var request: IncomingRequest?
    private var keepAlive = true
    /// The request's HTTP version, which its answer takes.
    private var version = HTTPVersion.http1_1
    private var started: UInt64 = 0
    fileprivate var record = AccessRecord()
    fileprivate var bytesOut = 0

    // Its plain proxy exchange.
    private var target: RequestProcessor.PlainProxy?
    private var processor: RequestProcessor?
    private var upstream: UpstreamConnection?
    private var upstreamReused = false
    private var retried = false
    private var upstreamStarted: UInt64 = 0
    private var responseStarted = false
    /// The proxied request's deadline, and one timer per connection that acts on it: kept across
    /// requests and moved only when a deadline comes earlier than it fires, so a request costs no
    /// timer of its own.
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerFiresAt: NIODeadline?
    /// A proxied answer's bytes go out through the context of NIO's response encoder, which passes
    /// them on unencoded. The connection's guard is told of requests, of proxied answers (the
    /// encoder's it sees itself) and of the requests the parser refuses.
    private var rawContext: ChannelHandlerContext?
    private var connectionGuard: ConnectionGuard?
    /// The head (and the first small body pieces) of a proxied answer, written as one.
    private var pendingOut: ByteBuffer?
    private var unflushed = false
    /// The proxied answer ends by closing the client's connection.
    private var answerCloses = false
    /// The upstream was paused because the client reads slower than it sends.
    private var upstreamPaused = false
    private var bound: (generation: Int, processor: RequestProcessor)?
    /// The upstream pool of this connection's loop, and the idle list of the upstream used last
    /// (a client's requests mostly go to one upstream).
    private var pool: UpstreamPool?
    private var lastUpstream: (host: String, port: Int, idle: UpstreamPool.IdleConnections)?
    /// The access log's batch of this connection's loop (kept past the handler's removal, for the
    /// last request's line).
    private var logBatch: AccessLog.Batch?
    /// The task answering an AI request, cancelled when the client goes away.
    private var aiTask: Task<Void, Never>?
    /// Draws for weighted backend choice, seeded once per connection.
    private var random = SplitMix64(seed: UInt64.random(in: 0..<UInt64.max))

    init(shared: Shared, tablePort: Int?, maxHeadBytes: Int, maxHeaderCount: Int) {
        self.shared = shared
        self.tablePort = tablePort ?? -1
        parser = RequestParser(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        rawContext = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        connectionGuard = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
        pool = shared.pools.pool(for: context.eventLoop)
        logBatch = shared.log.batch(for: context.eventLoop)
        let channel = context.channel
        shared.control.connections.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        if shared.control.isDraining { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        let id = ObjectIdentifier(context.channel)
        shared.control.connections.withLockedValue { _ = $0.removeValue(forKey: id) }
        self.context = nil
        rawContext = nil
        connectionGuard = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let wasIdle = parser.isIdle
        requestEnded = false
        do {
            try parser.feed(unwrapInboundIn(data)) { event in received(event, context: context) }
        } catch let malformed as RequestParser.Malformed {
            // Requests read before the faulty one are answered first; the refusal ends the connection.
            if request == nil, waiting.isEmpty { connectionGuard?.refuse(malformed) } else { refusal = malformed }
            return
        } catch {
            return context.fireErrorCaught(error)
        }
        // A request began in this read and is not whole yet: the guard's read timeout runs from now.
        if !parser.isIdle, wasIdle || requestEnded { connectionGuard?.requestBegan() }
    }

    private func received(_ event: RequestParser.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let requestHead):
            head = requestHead
            body.clear()
            tooLarge = false
            // curl and others wait for this before sending a body over 1 KiB.
            if requestHead.expectsContinue, request == nil {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: .continue))), promise: nil)
            }
        case .body(var chunk):
            if body.readableBytes + chunk.readableBytes > shared.maxBodyBytes { tooLarge = true } else { body.writeBuffer(&chunk) }
        case .end:
            guard let requestHead = head else { return }
            requestEnded = true
            connectionGuard?.requestRead()
            head = nil
            let requestBody = body
            body = ByteBuffer()
            if request != nil {
                waiting.append((requestHead, requestBody, tooLarge))
                if waiting.count >= Self.maxWaiting, !readingPaused {
                    readingPaused = true
                    context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
                }
            } else {
                begin(requestHead, body: requestBody, tooLarge: tooLarge, context: context)
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // A slow client pauses the upstream instead of growing buffers.
        if let upstream, upstreamPaused, context.channel.isWritable {
            upstreamPaused = false
            upstream.channel.setOption(.autoRead, value: true).whenFailure { _ in }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The provider call (or the stream being relayed) stops now, not when it would end.
        aiTask?.cancel()
        aiTask = nil
        if request != nil, target != nil {
            record.error = record.error ?? "client closed the connection"
            stopTimer()
            detachUpstream(reuse: false)
            complete(closing: true, after: nil)
        }
        context.fireChannelInactive()
    }

    // MARK: Requests

    private func begin(_ requestHead: RequestParser.Head, body: ByteBuffer, tooLarge: Bool, context: ChannelHandlerContext) {
        shared.control.active.add(1, ordering: .relaxed)
        started = DispatchTime.now().uptimeNanoseconds
        keepAlive = requestHead.keepAlive
        version = requestHead.version
        record = AccessRecord()
        bytesOut = 0
        let incoming = IncomingRequest(
            method: requestHead.method, target: requestHead.target, headers: requestHead.headers, body: body, listenerPort: tablePort)
        request = incoming
        if let admin = shared.admin { return respond(admin(incoming)) }
        if tooLarge { return respond(.text(413, "request body larger than \(shared.maxBodyBytes) bytes")) }
        let processor = boundProcessor()
        switch processor.route(incoming, random: random.next(), record: &record) {
        case .answer(let response):
            respond(response)
        case .proxy(let target):
            self.processor = processor
            self.target = target
            startProxy()
        case .ai(let backend, let rule, let headers):
            answerAI(incoming, processor: processor, backend: backend, rule: rule, headers: headers)
        }
    }

    /// The processor bound to the table served now; kept across this connection's requests until a
    /// reload moves the generation (binding takes the table state's lock).
    private func boundProcessor() -> RequestProcessor {
        let generation = shared.processor.state?.generation ?? 0
        if let bound, bound.generation == generation { return bound.processor }
        let processor = shared.processor.bound()
        bound = (generation, processor)
        return processor
    }

    /// Writes a buffered answer and ends the request.
    private func respond(_ response: GatewayResponse) {
        record.status = response.status
        guard let context else { return complete(closing: true, after: nil) }
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        let closing = !keepAlive || shared.control.isDraining
        if closing { headers.replaceOrAdd(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))), promise: nil)
        // A HEAD answer has the length of the body a GET would get, and no body (RFC 9110 §9.3.2).
        let bodyAllowed = request?.method != "HEAD"
        if bodyAllowed, response.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil) }
        bytesOut = bodyAllowed ? response.body.readableBytes : 0
        if closing {
            complete(closing: true, after: context.writeAndFlush(wrapOutboundOut(.end(nil))))
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            complete(closing: false, after: nil)
        }
    }

    /// Logs the request and readies the connection for the next one, or closes it once `after`
    /// (the answer's last write) is done.
    fileprivate func complete(closing: Bool, after lastWrite: EventLoopFuture<Void>?) {
        guard let request else { return }
        if tablePort >= 0 { shared.log.write(request, status: record.status, record, bytesOut: bytesOut, started: started, into: logBatch) }
        self.request = nil
        target = nil
        processor = nil
        responseStarted = false
        retried = false
        shared.control.active.subtract(1, ordering: .relaxed)
        guard let context else { return }
        if closing || shared.control.isDraining {
            let channel = context.channel
            if let lastWrite { lastWrite.whenComplete { _ in channel.close(promise: nil) } } else { channel.close(promise: nil) }
            return
        }
        if !waiting.isEmpty {
            let next = waiting.removeFirst()
            if readingPaused, waiting.count < Self.maxWaiting / 2 {
                readingPaused = false
                context.channel.setOption(.autoRead, value: true).whenFailure { _ in }
            }
            begin(next.head, body: next.body, tooLarge: next.tooLarge, context: context)
        } else if let refusal {
            self.refusal = nil
            connectionGuard?.refuse(refusal)
        }
    }

    // MARK: Plain proxying

    private func startProxy() {
        guard let context, let target else { return }
        let due = NIODeadline.now() + target.timeout
        deadline = due
        if timerFiresAt.map({ $0 > due }) ?? true { armTimer(at: due, context: context) }
        upstreamStarted = DispatchTime.now().uptimeNanoseconds
        connect(fresh: false)
    }

    private func armTimer(at due: NIODeadline, context: ChannelHandlerContext) {
        timer?.cancel()
        timerFiresAt = due
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) {
            self.timer = nil
            self.timerFiresAt = nil
            guard let deadline = self.deadline, self.request != nil, self.target != nil, let context = self.context else { return }
            if deadline > .now() { return self.armTimer(at: deadline, context: context) }
            self.proxyTimedOut()
        }
    }

    private func connect(fresh: Bool) {
        guard context != nil, let target, let pool else { return }
        let idle = idleConnections(of: target, in: pool)
        if !fresh, let connection = pool.takeIdle(from: idle) { return send(on: connection, reused: true) }
        let connectTimeout = min(target.timeout, processor?.connectTimeout ?? .seconds(5))
        pool.connect(host: target.host, port: target.port, connectTimeout: connectTimeout).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                guard let connection = UpstreamConnection(channel) else {
                    channel.close(promise: nil)
                    guard self.target != nil else { return }
                    return self.failBeforeAnswer("upstream failure: connection not usable", status: 502)
                }
                guard self.target != nil, self.request != nil else {
                    return pool.release(connection, to: idle)
                }
                self.send(on: connection, reused: false)
            case .failure(let error):
                guard self.target != nil else { return }
                self.failBeforeAnswer("upstream failure: \(error)", status: 502)
            }
        }
    }

    private func idleConnections(of target: RequestProcessor.PlainProxy, in pool: UpstreamPool) -> UpstreamPool.IdleConnections {
        if let lastUpstream, lastUpstream.port == target.port, lastUpstream.host == target.host { return lastUpstream.idle }
        let idle = pool.idleConnections(host: target.host, port: target.port)
        lastUpstream = (target.host, target.port, idle)
        return idle
    }

    private func send(on connection: UpstreamConnection, reused: Bool) {
        guard let target, let request, let context else { return }
        upstream = connection
        upstreamReused = reused
        connection.handler.begin(Self.requestBytes(request, to: target, allocator: context.channel.allocator),
                                 requestWasHead: request.method == "HEAD", dechunk: version.minor == 0, receiver: self)
    }

    /// The proxied request as it goes upstream: its head serialised once, straight into the buffer
    /// that carries the body.
    private static func requestBytes(_ request: IncomingRequest, to target: RequestProcessor.PlainProxy, allocator: ByteBufferAllocator) -> ByteBuffer {
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
            guard !HeaderName.hasLineBreak(header.name), !HeaderName.hasLineBreak(header.value) else { continue }
            out.writeString(header.name)
            out.writeStaticString(": ")
            out.writeString(header.value)
            out.writeStaticString("\r\n")
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
        guard let context, request != nil else { return }
        switch event {
        case .head(let responseHead):
            responseStarted = true
            connectionGuard?.responseBegan()
            record.status = responseHead.status
            record.upstreamMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - upstreamStarted) / 1e6
            let dechunked = version.minor == 0 && responseHead.framing == .chunked
            // An answer framed by the upstream's close, or a dechunked one, ends only when the
            // client's connection closes.
            let framedByClose = responseHead.framing == .untilClose || dechunked
            answerCloses = !keepAlive || framedByClose || shared.control.isDraining
            let connection: StaticString? = answerCloses ? "close" : (version.minor == 0 ? "keep-alive" : nil)
            var replacing: [(name: String, value: String)]?
            if let rule = target?.rule, let processor, processor.hasResponseModifiers(rule: rule) {
                var headers = responseHead.headers
                processor.applyResponseModifiers(rule: rule, to: &headers)
                replacing = headers
            }
            var out = context.channel.allocator.buffer(capacity: 512)
            responseHead.write(to: &out, version: version, dechunked: dechunked, connection: connection, replacing: replacing)
            pendingOut = out
        case .body(let piece):
            bytesOut += piece.readableBytes
            // A small piece joins the head in one write.
            if pendingOut != nil, piece.readableBytes <= 16 * 1024 {
                pendingOut?.writeImmutableBuffer(piece)
            } else {
                writePendingOut()
                rawContext?.write(NIOAny(piece), promise: nil)
                unflushed = true
            }
            if !context.channel.isWritable {
                // The flush may drain the client's socket at once (and the channel report itself
                // writable again before the pause is set): pause only if it is still full.
                flushOut()
                if !context.channel.isWritable {
                    upstreamPaused = true
                    upstream?.channel.setOption(.autoRead, value: false).whenFailure { _ in }
                }
            }
        case .end(let reusable):
            stopTimer()
            detachUpstream(reuse: reusable)
            writePendingOut()
            connectionGuard?.responseEnded()
            if answerCloses || shared.control.isDraining {
                let flushed = rawContext?.writeAndFlush(NIOAny(ByteBuffer()))
                unflushed = false
                complete(closing: true, after: flushed)
            } else {
                flushOut()
                complete(closing: false, after: nil)
            }
        }
    }

    func upstreamReadComplete() { flushOut() }

    private func writePendingOut() {
        guard let out = pendingOut else { return }
        pendingOut = nil
        rawContext?.write(NIOAny(out), promise: nil)
        unflushed = true
    }

    private func flushOut() {
        writePendingOut()
        guard unflushed else { return }
        unflushed = false
        rawContext?.flush()
    }

    func upstreamFailed(_ error: any Error) {
        guard request != nil, target != nil else { return }
        detachUpstream(reuse: false)
        if !responseStarted {
            // A pooled connection the upstream had closed meanwhile: one retry on a new one,
            // within the same deadline.
            if upstreamReused, !retried {
                retried = true
                return connect(fresh: true)
            }
            failBeforeAnswer("upstream failure: \(error)", status: 502)
        } else {
            // Part of the answer is out: what arrived is sent, then only closing the connection
            // (without the answer's end) tells the client it is cut.
            stopTimer()
            record.error = "upstream failure: \(error)"
            flushOut()
            complete(closing: true, after: nil)
        }
    }

    private func proxyTimedOut() {
        deadline = nil
        guard request != nil, target != nil else { return }
        detachUpstream(reuse: false)
        if responseStarted {
            record.error = "upstream timeout"
            flushOut()
            complete(closing: true, after: nil)
        } else {
            failBeforeAnswer("upstream timeout", status: 504)
        }
    }

    private func failBeforeAnswer(_ error: String, status: Int) {
        stopTimer()
        detachUpstream(reuse: false)
        record.error = error
        let response = status == 504 ? GatewayResponse.text(504, "upstream did not answer in time") : .text(502, "upstream failure")
        var finished = record
        let answer = processor?.finish(response, rule: target?.rule, record: &finished) ?? response
        record = finished
        target = nil
        respond(answer)
    }

    /// The request no longer needs its deadline (the timer stays for the next request).
    private func stopTimer() { deadline = nil }

    /// Detaches the upstream connection: back to the pool after a clean, reusable answer, else closed.
    private func detachUpstream(reuse reuseUpstream: Bool) {
        guard let connection = upstream else { return }
        upstream = nil
        connection.handler.detach()
        if upstreamPaused {
            upstreamPaused = false
            connection.channel.setOption(.autoRead, value: true).whenFailure { _ in }
        }
        if reuseUpstream, let pool, let target {
            pool.release(connection, to: idleConnections(of: target, in: pool))
        } else {
            connection.channel.close(promise: nil)
        }
    }

    // MARK: AI requests

    private func answerAI(_ incoming: IncomingRequest, processor: RequestProcessor, backend: Int, rule: Int?, headers: [(name: String, value: String)]) {
        guard let context else { return }
        let closing = !keepAlive || shared.control.isDraining
        let exchange = AIRequest(
            processor: processor, request: incoming, backend: backend, rule: rule, headers: headers, version: version,
            closing: closing, record: record, channel: context.channel, handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        aiTask = Task { await exchange.run() }
    }

    /// An AI request's answer, made and written by a task; the connection then goes on on its loop.
    private struct AIRequest: Sendable {
        let processor: RequestProcessor
        let request: IncomingRequest
        let backend: Int
        let rule: Int?
        let headers: [(name: String, value: String)]
        let version: HTTPVersion
        let closing: Bool
        let record: AccessRecord
        let channel: any Channel
        let handler: NIOLoopBound<GatewayConnectionHandler>

        func run() async {
            var record = self.record
            let response = await processor.answerAI(request, backend: backend, rule: rule, headers: headers, record: &record)
            var sent: (bytes: Int, outcome: ResponseStream.Outcome?, failed: Bool) = (0, nil, true)
            if !Task.isCancelled {
                sent = await GatewayConnectionHandler.write(response, to: channel, version: version, closing: closing, bodyAllowed: request.method != "HEAD")
            }
            if let outcome = sent.outcome {
                record.inputTokens = outcome.inputTokens ?? record.inputTokens
                record.outputTokens = outcome.outputTokens ?? record.outputTokens
                record.error = outcome.error ?? record.error
            }
            if Task.isCancelled, sent.failed || sent.outcome?.truncated == true {
                // nginx's code for a client that closed its connection before the answer ended.
                record.status = 499
                record.error = "client closed the connection"
            }
            let (finalRecord, handler, closing) = (record, handler, closing || sent.outcome?.truncated == true || sent.failed)
            channel.eventLoop.execute {
                handler.value.aiTask = nil
                handler.value.record = finalRecord
                handler.value.bytesOut = sent.bytes
                handler.value.complete(closing: closing, after: nil)
            }
        }
    }

    /// Writes an answer from a task: buffered with its length, or a stream chunked as produced.
    fileprivate static func write(_ response: GatewayResponse, to channel: any Channel, version: HTTPVersion, closing: Bool, bodyAllowed: Bool) async -> (bytes: Int, outcome: ResponseStream.Outcome?, failed: Bool) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if response.stream == nil {
            headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        } else {
            headers.remove(name: "content-length")
        }
        if closing { headers.replaceOrAdd(name: "connection", value: "close") }
        let head = HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))
        guard let stream = response.stream, bodyAllowed else {
            channel.write(head, promise: nil)
            if bodyAllowed, response.body.readableBytes > 0 { channel.write(HTTPServerResponsePart.body(.byteBuffer(response.body)), promise: nil) }
            let failed = (try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()) == nil
            return (bodyAllowed ? response.body.readableBytes : 0, nil, failed)
        }
        do { try await channel.writeAndFlush(head).get() } catch { return (0, nil, true) }
        let outcome = await stream.produce { piece in try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(piece))).get() }
        if outcome.truncated { return (outcome.bytes, outcome, false) }
        let failed = (try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()) == nil
        return (outcome.bytes, outcome, failed)
    }
}
