import NIOConcurrencyHelpers
import NIOCore

/// Failover for streamed answers (`ai.groups`): a provider whose stream fails before its first
/// byte could reach the client is a failed provider, and the next one gets the request. The
/// stream is started before gwrun answers the client: `prime` runs its producer with a writer
/// that holds the first piece back until gwrun has decided. If the producer ends without writing
/// and the relay says it failed before its first byte (`ResponseStream.Outcome.failedBeforeFirstByte`,
/// set while `holdsFailuresBeforeFirstByte` is on), the stream is given up; otherwise the client
/// gets it from its first piece on.
final class FirstByteGate: Sendable {
    enum Primed {
        /// Bytes are coming: send this stream to the client.
        case started(ResponseStream)
        /// Nothing was written; how the producer ended.
        case ended(ResponseStream.Outcome)
    }

    private struct State {
        /// true: a first piece is waiting; false: the producer ended without one.
        var started: Bool?
        var decision: CheckedContinuation<Bool, Never>?
        var writer: ResponseStream.Writer?
        var waitingForWriter: CheckedContinuation<ResponseStream.Writer?, Never>?
    }
    private let state = NIOLockedValueBox(State())

    /// While a relay runs under this (true), a stream that fails before its first byte writes
    /// nothing and says so in its outcome, instead of ending the client's stream with an error.
    @TaskLocal static var holdsFailuresBeforeFirstByte = false

    static func prime(_ stream: ResponseStream) async -> Primed {
        let gate = FirstByteGate()
        let producer = Task {
            let outcome = await Self.$holdsFailuresBeforeFirstByte.withValue(true) { await stream.produce(gate.write) }
            gate.decide(false)
            return outcome
        }
        guard await gate.decision() else { return .ended(await producer.value) }
        return .started(ResponseStream { write in
            gate.attach(write)
            return await withTaskCancellationHandler { await producer.value } onCancel: { producer.cancel() }
        })
    }

    private func decision() async -> Bool {
        await withCheckedContinuation { continuation in
            let ready: Bool? = state.withLockedValue { state in
                if let started = state.started { return started }
                state.decision = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The first call (true: a write) decides; later calls do nothing.
    private func decide(_ started: Bool) {
        let waiting: CheckedContinuation<Bool, Never>? = state.withLockedValue { state in
            guard state.started == nil else { return nil }
            state.started = started
            defer { state.decision = nil }
            return state.decision
        }
        waiting?.resume(returning: started)
    }

    private func attach(_ writer: @escaping ResponseStream.Writer) {
        let waiting = state.withLockedValue { state -> CheckedContinuation<ResponseStream.Writer?, Never>? in
            state.writer = writer
            defer { state.waitingForWriter = nil }
            return state.waitingForWriter
        }
        waiting?.resume(returning: writer)
    }

    /// The producer's writer: the first piece waits for the client's writer.
    @Sendable private func write(_ piece: ByteBuffer) async throws {
        if let writer = state.withLockedValue({ $0.writer }) { return try await writer(piece) }
        decide(true)
        let writer = await withCheckedContinuation { continuation in
            let ready: ResponseStream.Writer?? = state.withLockedValue { state in
                if let writer = state.writer { return .some(writer) }
                state.waitingForWriter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        guard let writer else { throw CancellationError() }
        try await writer(piece)
    }
}
