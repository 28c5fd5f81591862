import NIOCore

typealias UpstreamBody = NIOThrowingAsyncSequenceProducer<ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamBodyDelegate>

extension UpstreamBody {
    /// The whole body, at most `limit` bytes.
    func collect(upTo limit: Int) async throws -> ByteBuffer {
        var whole = ByteBuffer()
        for try await piece in self {
            guard whole.readableBytes + piece.readableBytes <= limit else { throw UpstreamCall.TooLarge(limit: limit) }
            var piece = piece
            whole.writeBuffer(&piece)
        }
        return whole
    }
}

/// Resumes the provider when the body's reader wants more, and drops the exchange when it stops
/// reading (the client left, the deadline passed).
struct UpstreamBodyDelegate: NIOAsyncSequenceProducerDelegate {
    let call: NIOLoopBound<UpstreamCall>
    func produceMore() { call.eventLoop.execute { call.value.produceMore() } }
    func didTerminate() { call.eventLoop.execute { call.value.readerGone() } }
}

/// One provider call on its loop: lease a connection, send the request, hand the answer's head to
/// the waiting task and its body to an async sequence. Lives on its event loop only.
final class UpstreamCall: UpstreamReceiver {
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "the provider's answer is larger than \(limit) bytes" }
    }

    private enum State {
        case idle
        case waitingForHead(CheckedContinuation<UpstreamResponse, any Error>)
        case streaming(UpstreamBody.Source)
        case done
    }

    let eventLoop: any EventLoop
    private let leases: UpstreamLeases
    private let endpoint: UpstreamLeases.Endpoint
    private var state = State.idle
    private var connection: UpstreamConnection?
    private var deadlineTimer: Scheduled<Void>?

    init(eventLoop: any EventLoop, leases: UpstreamLeases, endpoint: UpstreamLeases.Endpoint) {
        self.eventLoop = eventLoop
        self.leases = leases
        self.endpoint = endpoint
    }

    func start(_ request: ByteBuffer, limit: Int, connectTimeout: TimeAmount, deadline: NIODeadline, continuation: CheckedContinuation<UpstreamResponse, any Error>) {
        guard case .idle = state else { return continuation.resume(throwing: CancellationError()) }
        state = .waitingForHead(continuation)
        deadlineTimer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.fail(UpstreamClient.Timeout()) }
        leases.lease(endpoint, limit: limit, connectTimeout: min(connectTimeout, deadline - .now()), deadline: deadline).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection):
                guard case .waitingForHead = self.state else { return self.leases.giveBack(connection, endpoint: self.endpoint, reusable: true) }
                self.connection = connection
                connection.handler.begin(request, requestWasHead: false, dechunk: true, receiver: self)
            case .failure(let error):
                // Waiting in line past the deadline is the request's timeout.
                self.fail(error is UpstreamLeases.Timeout ? UpstreamClient.Timeout() : error)
            }
        }
    }

    func upstreamReceived(_ event: UpstreamResponseParser.Event) {
        switch (event, state) {
        case (.head(let head), .waitingForHead(let continuation)):
            let made = UpstreamBody.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16), finishOnDeinit: false,
                delegate: UpstreamBodyDelegate(call: NIOLoopBound(self, eventLoop: eventLoop)))
            state = .streaming(made.source)
            continuation.resume(returning: UpstreamResponse(status: head.status, headers: head.headers, body: made.sequence))
        case (.body(let piece), .streaming(let source)):
            if source.yield(piece) == .stopProducing { connection?.channel.setOption(.autoRead, value: false).whenFailure { _ in } }
        case (.end(let reusable), .streaming(let source)):
            state = .done
            deadlineTimer?.cancel()
            release(reusable: reusable)
            source.finish()
        default:
            break
        }
    }

    func upstreamReadComplete() {}

    func upstreamFailed(_ error: any Error) { fail(error) }

    func produceMore() { connection?.channel.setOption(.autoRead, value: true).whenFailure { _ in } }

    /// The body's reader stopped before its end.
    func readerGone() {
        guard case .streaming = state else { return }
        state = .done
        deadlineTimer?.cancel()
        release(reusable: false)
    }

    func cancel() { fail(CancellationError()) }

    private func fail(_ error: any Error) {
        let previous = state
        state = .done
        deadlineTimer?.cancel()
        release(reusable: false)
        switch previous {
        case .waitingForHead(let continuation): continuation.resume(throwing: error)
        case .streaming(let source): source.finish(error)
        case .idle, .done: break
        }
    }

    private func release(reusable: Bool) {
        guard let connection else { return }
        self.connection = nil
        connection.handler.detach()
        if reusable { connection.channel.setOption(.autoRead, value: true).whenFailure { _ in } }
        leases.giveBack(connection, endpoint: endpoint, reusable: reusable)
    }
}
