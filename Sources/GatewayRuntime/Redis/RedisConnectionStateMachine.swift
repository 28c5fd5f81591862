import NIOCore

/// One event loop's connection to Redis as a value: calls come in with their deadlines, the
/// connection's events (connected, a reply, closed) come from the handler, and each returns what
/// to do. The clock is passed in, so tests need no socket and no sleeping (docs/redis.md).
///
/// A call made while the connection is down starts connecting and waits for it (within its
/// deadline); while a failed connection backs off (100 ms doubling to 5 s), calls fail at once,
/// so a Redis that is down costs a request nothing but the fallback. Replies come in call order
/// (RESP pipelining): a call whose deadline passed keeps its place and its reply is dropped.
struct RedisConnectionStateMachine {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// Not connected, and backing off after a failure.
        case unavailable
        case deadline
        /// The connection closed before the reply.
        case connectionLost
        /// Redis answered an error (`-ERR ...`).
        case server(String)

        var description: String {
            switch self {
            case .unavailable: "Redis is unreachable (reconnecting)"
            case .deadline: "Redis did not answer before the deadline"
            case .connectionLost: "the connection to Redis closed"
            case .server(let message): "Redis answered: \(message)"
            }
        }
    }

    enum Action: Equatable {
        case connect
        case write(ByteBuffer)
        case succeed(call: Int, RESPValue)
        case fail(call: Int, Failure)
        case close
        /// The handshake (AUTH, SCRIPT LOAD) was refused: worth one line in the log.
        case report(String)
    }

    private enum Waiter {
        /// A handshake command, named for the log.
        case handshake(String)
        case call(Int)
        /// A call whose deadline passed: its reply is read and dropped.
        case abandoned
    }

    private enum State {
        case idle
        case backingOff(until: NIODeadline)
        case connecting
        case ready
    }

    private var state = State.idle
    /// Commands written, in order, waiting for their replies.
    private var inFlight: [Waiter] = []
    private var inFlightStart = 0
    /// Calls made while connecting, with their bytes.
    private var queued: [(call: Int, bytes: ByteBuffer)] = []
    private var backoff = TimeAmount.milliseconds(100)
    static let maxBackoff = TimeAmount.seconds(5)

    /// What to write first on every new connection: AUTH when there is a password, the scripts.
    let handshake: [(name: String, bytes: ByteBuffer)]

    init(handshake: [(name: String, bytes: ByteBuffer)]) {
        self.handshake = handshake
    }

    var isReady: Bool { if case .ready = state { true } else { false } }

    mutating func call(_ call: Int, bytes: ByteBuffer, now: NIODeadline) -> [Action] {
        switch state {
        case .ready:
            inFlight.append(.call(call))
            return [.write(bytes)]
        case .connecting:
            queued.append((call, bytes))
            return []
        case .backingOff(let until) where now < until:
            return [.fail(call: call, .unavailable)]
        case .idle, .backingOff:
            state = .connecting
            queued.append((call, bytes))
            return [.connect]
        }
    }

    /// The connection is open: the handshake and the calls that waited go out together.
    mutating func connected() -> [Action] {
        guard case .connecting = state else { return [.close] }
        state = .ready
        backoff = .milliseconds(100)
        var out = ByteBuffer()
        for var step in handshake {
            inFlight.append(.handshake(step.name))
            out.writeBuffer(&step.bytes)
        }
        for var waiting in queued {
            inFlight.append(.call(waiting.call))
            out.writeBuffer(&waiting.bytes)
        }
        queued = []
        return out.readableBytes > 0 ? [.write(out)] : []
    }

    mutating func connectFailed(now: NIODeadline) -> [Action] {
        let failed = queued.map { Action.fail(call: $0.call, .unavailable) }
        queued = []
        backOff(now: now)
        return failed
    }

    mutating func received(_ value: RESPValue) -> [Action] {
        guard inFlightStart < inFlight.count else { return [.close] }  // a reply nobody asked for
        let waiter = inFlight[inFlightStart]
        inFlightStart += 1
        if inFlightStart == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            inFlightStart = 0
        } else if inFlightStart > 1024 {
            inFlight.removeFirst(inFlightStart)
            inFlightStart = 0
        }
        switch waiter {
        case .abandoned: return []
        case .handshake(let name):
            if case .error(let message) = value { return [.report("\(name) refused: \(message)"), .close] }
            return []
        case .call(let call):
            if case .error(let message) = value { return [.fail(call: call, .server(message))] }
            return [.succeed(call: call, value)]
        }
    }

    /// A call's deadline passed: it fails now; a reply that comes later is dropped.
    mutating func deadlinePassed(_ call: Int) -> [Action] {
        if let index = queued.firstIndex(where: { $0.call == call }) {
            queued.remove(at: index)
            return [.fail(call: call, .deadline)]
        }
        for index in inFlightStart..<inFlight.count {
            if case .call(call) = inFlight[index] {
                inFlight[index] = .abandoned
                return [.fail(call: call, .deadline)]
            }
        }
        return []
    }

    /// The connection closed (or the bytes were malformed and it was closed): every call waiting
    /// fails, and the next call after the backoff connects again.
    mutating func closed(now: NIODeadline) -> [Action] {
        var failed: [Action] = []
        for waiter in inFlight[inFlightStart...] { if case .call(let call) = waiter { failed.append(.fail(call: call, .connectionLost)) } }
        failed += queued.map { .fail(call: $0.call, .connectionLost) }
        inFlight = []
        inFlightStart = 0
        queued = []
        backOff(now: now)
        return failed
    }

    private mutating func backOff(now: NIODeadline) {
        state = .backingOff(until: now + backoff)
        backoff = min(.nanoseconds(backoff.nanoseconds * 2), Self.maxBackoff)
    }
}
