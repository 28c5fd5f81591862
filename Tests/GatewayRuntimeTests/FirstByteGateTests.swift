import NIOConcurrencyHelpers
import NIOCore
@testable import GatewayRuntime
import Testing

/// Failover's hold on a stream's first byte: a stream that writes is handed on whole, in order;
/// one that fails before writing is given up with its outcome; the relay knows it is held.
@Suite struct FirstByteGateTests {
    @Test func aStreamThatWritesIsHandedOnFromItsFirstPiece() async throws {
        let stream = ResponseStream { write in
            var outcome = ResponseStream.Outcome()
            for piece in ["one ", "two ", "three"] {
                try? await write(ByteBuffer(string: piece))
                outcome.bytes += piece.utf8.count
            }
            return outcome
        }
        guard case .started(let started) = await FirstByteGate.prime(stream) else {
            Issue.record("the stream was not started")
            return
        }
        let received = NIOLockedValueBox("")
        let outcome = await started.produce { piece in received.withLockedValue { $0 += String(buffer: piece) } }
        #expect(received.withLockedValue { $0 } == "one two three")
        #expect(outcome.bytes == 13)
    }

    @Test func aStreamThatFailsBeforeWritingIsGivenUp() async {
        let stream = ResponseStream { _ in
            var outcome = ResponseStream.Outcome()
            // The relay sees that it is held.
            outcome.failedBeforeFirstByte = FirstByteGate.holdsFailuresBeforeFirstByte
            outcome.error = "upstream failure"
            return outcome
        }
        guard case .ended(let outcome) = await FirstByteGate.prime(stream) else {
            Issue.record("the stream was started")
            return
        }
        #expect(outcome.failedBeforeFirstByte)
        #expect(outcome.error == "upstream failure")
        #expect(!FirstByteGate.holdsFailuresBeforeFirstByte)
    }
}
