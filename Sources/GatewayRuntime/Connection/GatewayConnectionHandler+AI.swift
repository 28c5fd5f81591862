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
            closing: answerCloses, record: current.record, channel: context.channel, handler: NIOLoopBound(self, eventLoop: context.eventLoop))
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

        func run() async {
            var record = self.record
            let response = await processor.answerAI(request, backend: backend, rule: rule, headers: headers, record: &record)
            var sent = Sent(bytes: 0, outcome: nil, failed: true)
            if !Task.isCancelled { sent = await write(response) }
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

        /// Writes the answer: buffered with its length, or a stream framed as it is produced.
        private func write(_ response: GatewayResponse) async -> Sent {
            var out = channel.allocator.buffer(capacity: 256 + response.body.readableBytes)
            guard let stream = response.stream, request.method != "HEAD" else {
                let bytes = ClientWriter.answer(response, requestMethod: request.method, version: version, closing: closing, into: &out)
                let failed = (try? await channel.writeAndFlush(out).get()) == nil
                return Sent(bytes: bytes, outcome: nil, failed: failed)
            }
            let body = ClientWriter.streamHead(response, requestMethod: request.method, version: version, closing: closing, into: &out)
            do { try await channel.writeAndFlush(out).get() } catch { return Sent(bytes: 0, outcome: nil, failed: true) }
            let allocator = channel.allocator
            let outcome = await stream.produce { piece in
                var framed = allocator.buffer(capacity: piece.readableBytes + 16)
                ClientWriter.piece(piece, body: body, into: &framed)
                try await channel.writeAndFlush(framed).get()
            }
            if outcome.truncated { return Sent(bytes: outcome.bytes, outcome: outcome, failed: false) }
            var end = allocator.buffer(capacity: 8)
            ClientWriter.end(body: body, into: &end)
            let failed = (try? await channel.writeAndFlush(end).get()) == nil
            return Sent(bytes: outcome.bytes, outcome: outcome, failed: failed, closesAfter: body == .untilClose)
        }
    }
}
