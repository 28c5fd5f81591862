import NIOCore
import Testing

@testable import GatewayRuntime

/// One loop's Redis connection without a socket: the handshake goes first, calls wait for the
/// connection within their deadlines, replies match calls in order (a late one is dropped), a
/// lost connection fails what waited and backs off, and the next call after the backoff connects.
@Suite("Redis connection state machine")
struct RedisConnectionStateMachineTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
    func machine() -> RedisConnectionStateMachine { RedisConnectionStateMachine(handshake: [("SCRIPT LOAD", ByteBuffer(string: "L"))]) }

    @Test func theFirstCallConnectsAndGoesOutAfterTheHandshake() {
        var machine = machine()
        #expect(machine.call(1, bytes: bytes("A"), now: start) == [.connect])
        #expect(machine.call(2, bytes: bytes("B"), now: start) == [])
        #expect(machine.connected() == [.write(bytes("LAB"))])
        #expect(machine.received(.bulkString(Array("sha".utf8))) == [])  // the handshake's reply
        #expect(machine.received(.integer(1)) == [.succeed(call: 1, .integer(1))])
        #expect(machine.received(.integer(2)) == [.succeed(call: 2, .integer(2))])
        #expect(machine.call(3, bytes: bytes("C"), now: start) == [.write(bytes("C"))])
    }

    @Test func aLateReplyIsDroppedAndTheNextOneStillMatches() {
        var machine = machine()
        _ = machine.call(1, bytes: bytes("A"), now: start)
        _ = machine.connected()
        _ = machine.call(2, bytes: bytes("B"), now: start)
        #expect(machine.deadlinePassed(1) == [.fail(call: 1, .deadline)])
        #expect(machine.deadlinePassed(1) == [])
        _ = machine.received(.simpleString("sha"))
        #expect(machine.received(.integer(10)) == [])
        #expect(machine.received(.integer(20)) == [.succeed(call: 2, .integer(20))])
    }

    @Test func aCallWaitingForTheConnectionFailsAtItsDeadline() {
        var machine = machine()
        _ = machine.call(1, bytes: bytes("A"), now: start)
        #expect(machine.deadlinePassed(1) == [.fail(call: 1, .deadline)])
        #expect(machine.connected() == [.write(bytes("L"))])
    }

    @Test func aFailedConnectionBacksOffThenRetries() {
        var machine = machine()
        _ = machine.call(1, bytes: bytes("A"), now: start)
        #expect(machine.connectFailed(now: start) == [.fail(call: 1, .unavailable)])
        #expect(machine.call(2, bytes: bytes("B"), now: start + .milliseconds(50)) == [.fail(call: 2, .unavailable)])
        #expect(machine.call(3, bytes: bytes("C"), now: start + .milliseconds(100)) == [.connect])
        #expect(machine.connectFailed(now: start + .milliseconds(100)) == [.fail(call: 3, .unavailable)])
        // The backoff doubled: 200 ms now.
        #expect(machine.call(4, bytes: bytes("D"), now: start + .milliseconds(250)) == [.fail(call: 4, .unavailable)])
        #expect(machine.call(5, bytes: bytes("E"), now: start + .milliseconds(300)) == [.connect])
        #expect(machine.connected() == [.write(bytes("LE"))])
    }

    @Test func aLostConnectionFailsEveryWaitingCall() {
        var machine = machine()
        _ = machine.call(1, bytes: bytes("A"), now: start)
        _ = machine.connected()
        _ = machine.call(2, bytes: bytes("B"), now: start)
        #expect(machine.closed(now: start) == [.fail(call: 1, .connectionLost), .fail(call: 2, .connectionLost)])
        #expect(!machine.isReady)
        #expect(machine.call(3, bytes: bytes("C"), now: start + .milliseconds(100)) == [.connect])
    }

    @Test func errorsFailTheirCallAndARefusedHandshakeIsReported() {
        var machine = RedisConnectionStateMachine(handshake: [("AUTH", ByteBuffer(string: "P"))])
        _ = machine.call(1, bytes: bytes("A"), now: start)
        _ = machine.connected()
        #expect(machine.received(.error("WRONGPASS invalid username-password pair")) == [.report("AUTH refused: WRONGPASS invalid username-password pair"), .close])
        #expect(machine.received(.error("NOAUTH Authentication required.")) == [.fail(call: 1, .server("NOAUTH Authentication required."))])
    }

    @Test func aReplyNobodyAskedForClosesTheConnection() {
        var machine = machine()
        #expect(machine.received(.integer(1)) == [.close])
    }
}
