import GatewayIR
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// An AI request's answer is made and written by a task (translation, the provider call through
/// `UpstreamClient`); the connection then goes on on its loop. The task is cancelled when the
/// client goes away, and the request logged with 499.
extension GatewayConnectionHandler {
    func answerAI(_ incoming: IncomingRequest, processor: RequestProcessor, backend: Int, rule: Int?, headers: [(name: String, value: String)], context: ChannelHandlerContext) {
        guard let current = answering else { return }
        let exchange = AIRequest(
            processor: processor, request: incoming, backend: backend, rule: rule, headers: headers, version: current.version,
            closing: answerCloses, record: current.record, channel: context.channel, handler: NIOLoopBound(self, eventLoop: context.eventLoop),
            audit: shared.audit, started: current.started)
        aiTask = Task { await exchange.run() }
    }

    /// The task's side, which hands its outcome back to the loop.
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
        let audit: AuditLog?
        let started: UInt64

        func run() async {
            var record = self.record
            let response = await processor.answerAI(request, backend: backend, rule: rule, headers: headers, record: &record)
            var sent = Sent(bytes: 0, outcome: nil, failed: true)
            if !Task.isCancelled { sent = await write(response, record: &record) }
            if let outcome = sent.outcome {
                record.inputTokens = outcome.inputTokens ?? record.inputTokens
                record.outputTokens = outcome.outputTokens ?? record.outputTokens
                record.cachedTokens = outcome.cachedTokens ?? record.cachedTokens
                record.error = outcome.error ?? record.error
            }
            if Task.isCancelled, sent.failed || sent.outcome?.truncated == true {
                // nginx's code for a client that closed its connection before the answer ended.
                record.status = 499
                record.error = "client closed the connection"
            }
            let (finalRecord, handler) = (record, handler)
            let closing = closing || sent.outcome?.truncated == true || sent.failed || sent.closesAfter
            let bytes = sent.bytes
            channel.eventLoop.execute {
                handler.value.aiTask = nil
                handler.value.answering?.record = finalRecord
                handler.value.answering?.bytesOut = bytes
                handler.value.complete(closing: closing, after: nil)
            }
        }

        struct Sent {
            var bytes: Int
            var outcome: ResponseStream.Outcome?
            var failed: Bool
            /// An HTTP/1.0 stream ends by closing the connection.
            var closesAfter = false
        }

        /// Whether a stream's piece is its completion event.
        static func endsAnswer(_ piece: ByteBuffer) -> Bool {
            let view = piece.readableBytesView
            return view.firstRange(of: Array("data: [DONE]".utf8)) != nil || view.firstRange(of: Array("message_stop".utf8)) != nil
        }

        /// The request's audit record, on disk before the answer's last byte goes out; false when
        /// it could not be written (no audit log: true).
        private func recorded(_ record: AccessRecord, status: Int) async -> Bool {
            guard let audit else { return true }
            let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            return await audit.append(AuditRecord(request: request, record: record, status: status, latencyMilliseconds: latency, tableChecksum: processor.table.checksum))
        }

        /// Writes the answer: buffered with its length, or a stream framed as it is produced.
        private func write(_ response: GatewayResponse, record: inout AccessRecord) async -> Sent {
            var out = channel.allocator.buffer(capacity: 256 + response.body.readableBytes)
            guard let stream = response.stream, request.method != "HEAD" else {
                var response = response
                if await !recorded(record, status: response.status) {
                    record.error = "audit log unavailable"
                    response = .text(503, "the audit log cannot be written")
                }
                let bytes = ClientWriter.answer(response, requestMethod: request.method, version: version, closing: closing, into: &out)
                let failed = (try? await channel.writeAndFlush(out).get()) == nil
                return Sent(bytes: bytes, outcome: nil, failed: failed)
            }
            let body = ClientWriter.streamHead(response, requestMethod: request.method, version: version, closing: closing, into: &out)
            do { try await channel.writeAndFlush(out).get() } catch { return Sent(bytes: 0, outcome: nil, failed: true) }
            let allocator = channel.allocator
            let firstPiece = NIOLockedValueBox<UInt64?>(nil)
            // With an audit log, the piece that tells a client the answer is complete (OpenAI's
            // `[DONE]`, Anthropic's `message_stop`) waits for the record: SDKs stop reading there,
            // before the body's end.
            let heldBack = NIOLockedValueBox<ByteBuffer?>(nil)
            let auditing = audit != nil
            // A route that opted into prompts in the audit log: the answer's text as the client gets it.
            let content = NIOLockedValueBox<(events: ServerSentEvents, text: AuditContent)?>(auditing ? record.auditContent.map { (ServerSentEvents(), $0) } : nil)
            let outcome = await stream.produce { piece in
                firstPiece.withLockedValue { $0 = $0 ?? DispatchTime.now().uptimeNanoseconds }
                content.withLockedValue { state in
                    guard state != nil else { return }
                    let events = piece.withUnsafeReadableBytes { try? state?.events.feed($0) } ?? []
                    for data in events { state?.text.appendEvent(data) }
                }
                var framed = allocator.buffer(capacity: piece.readableBytes + 16)
                ClientWriter.piece(piece, body: body, into: &framed)
                if auditing, Self.endsAnswer(piece) {
                    heldBack.withLockedValue { $0 = $0.map { var joined = $0; joined.writeImmutableBuffer(framed); return joined } ?? framed }
                    return
                }
                try await channel.writeAndFlush(framed).get()
            }
            if outcome.truncated { return Sent(bytes: outcome.bytes, outcome: outcome, failed: false) }
            var final = record
            final.inputTokens = outcome.inputTokens ?? record.inputTokens
            final.outputTokens = outcome.outputTokens ?? record.outputTokens
            final.cachedTokens = outcome.cachedTokens ?? record.cachedTokens
            final.error = outcome.error ?? record.error
            final.firstTokenMilliseconds = firstPiece.withLockedValue { $0 }.map { Double($0 - started) / 1e6 }
            if let collected = content.withLockedValue({ $0 }) { final.auditContent = collected.text }
            record.firstTokenMilliseconds = final.firstTokenMilliseconds
            // Without its record on disk the stream is cut before its end: the client sees it incomplete.
            if await !recorded(final, status: response.status) {
                record.error = "audit log unavailable"
                var cut = outcome
                cut.truncated = true
                return Sent(bytes: outcome.bytes, outcome: cut, failed: false)
            }
            var end = heldBack.withLockedValue { $0 } ?? allocator.buffer(capacity: 8)
            ClientWriter.end(body: body, into: &end)
            let failed = (try? await channel.writeAndFlush(end).get()) == nil
            return Sent(bytes: outcome.bytes, outcome: outcome, failed: failed, closesAfter: body == .untilClose)
        }
    }
}
