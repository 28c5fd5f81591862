import NIOCore

/// The life of one client connection, as a value: requests read, queued behind the one being
/// answered (pipelining) and answered in order; keep-alive; the idle and read timeouts; drain; a
/// faulty request refused once the requests before it are answered. It takes events and returns
/// what to do; it never touches a socket or reads a clock (`now` comes with each event), so every
/// transition is tested without either (`ConnectionStateMachineTests`). `GatewayConnectionHandler`
/// executes the actions.
///
/// `Request` is whatever the handler queues (a parsed head and its body).
struct ConnectionStateMachine<Request> {
    enum Phase: Equatable {
        /// No request: waiting for one since then (the idle timeout runs).
        case idle(since: NIODeadline)
        /// A request's first bytes arrived then and it is not whole yet (the read timeout runs).
        case reading(since: NIODeadline)
        /// A request is being answered; more may wait. No timeout applies (an answer may take minutes).
        case answering
        case closed
    }

    /// What to do with a request read whole.
    enum ReceiveAction {
        case start(Request)
        /// It waits its turn; reading pauses too when `pauseReading` (the queue is full).
        case queue(pauseReading: Bool)
        /// The connection is closing: the request is dropped.
        case drop
    }

    /// What to do once an answer has ended.
    enum NextAction {
        case close
        /// Answer the next queued request (and resume reading when the queue has room again).
        case start(Request, resumeReading: Bool)
        /// Answer the fault found behind the answered requests, then close.
        case refuse(RequestParser.Malformed)
        case waitForRequest
    }

    enum RefuseAction: Equatable {
        /// Answer with this status and reason, then close.
        case refuse(status: Int, reason: String)
        /// Requests before the fault are answered first.
        case later
        case none
    }

    enum TickAction: Equatable { case none, close, refuse(status: Int, reason: String) }

    static var maxWaiting: Int { 8 }

    let idleTimeout: TimeAmount
    let readTimeout: TimeAmount
    private(set) var phase: Phase
    /// At most `maxWaiting` (reading pauses then), so an array's removeFirst costs nothing.
    private var waiting: [Request] = []
    private var readingPaused = false
    private var refusal: RequestParser.Malformed?
    /// An answer's head went out and its end has not: a refusal must not interleave with it.
    private var responding = false
    private(set) var draining = false

    init(idleTimeout: TimeAmount, readTimeout: TimeAmount, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        phase = .idle(since: now)
    }

    /// How often `tick` must be called: a timeout then acts between 1 and 1.25 times its value,
    /// with one repeated task per connection and no timer per request.
    var tickInterval: TimeAmount { .nanoseconds(max(min(idleTimeout, readTimeout).nanoseconds / 4, 1_000_000)) }

    /// A request is being answered (an `Expect: 100-continue` is answered only when none is).
    var isAnswering: Bool { phase == .answering }

    /// The first bytes of a request that is not whole yet arrived.
    mutating func requestBegan(now: NIODeadline) {
        if case .idle = phase { phase = .reading(since: now) }
    }

    mutating func requestReceived(_ request: Request) -> ReceiveAction {
        switch phase {
        case .closed: return .drop
        case .answering:
            waiting.append(request)
            guard waiting.count >= Self.maxWaiting, !readingPaused else { return .queue(pauseReading: false) }
            readingPaused = true
            return .queue(pauseReading: true)
        case .idle, .reading:
            phase = .answering
            return .start(request)
        }
    }

    /// The parser refused what the client sent.
    mutating func requestMalformed(_ malformed: RequestParser.Malformed) -> RefuseAction {
        switch phase {
        case .closed: return .none
        case .answering:
            refusal = malformed
            return .later
        case .idle, .reading:
            phase = .closed
            return .refuse(status: malformed.status, reason: malformed.description)
        }
    }

    mutating func answerBegan() { responding = true }

    /// The answer's last byte is written. `closeConnection`: the request or its answer ends the
    /// connection (HTTP/1.0 without keep-alive, `connection: close`, an answer framed by closing).
    mutating func answerEnded(closeConnection: Bool, now: NIODeadline) -> NextAction {
        responding = false
        guard phase == .answering else { return .close }
        if closeConnection || draining {
            phase = .closed
            return .close
        }
        if !waiting.isEmpty {
            let next = waiting.removeFirst()
            let resume = readingPaused && waiting.count < Self.maxWaiting / 2
            if resume { readingPaused = false }
            return .start(next, resumeReading: resume)
        }
        if let refusal {
            self.refusal = nil
            phase = .closed
            return .refuse(refusal)
        }
        phase = .idle(since: now)
        return .waitForRequest
    }

    /// The periodic check of the two timeouts.
    mutating func tick(now: NIODeadline) -> TickAction {
        switch phase {
        case .idle(let since) where now - since >= idleTimeout:
            phase = .closed
            return .close
        case .reading(let since) where now - since >= readTimeout && !responding:
            phase = .closed
            return .refuse(status: 408, reason: "the request did not arrive within the read timeout")
        default:
            return .none
        }
    }

    /// The server stops: an idle connection closes now, a busy one after its current answer.
    mutating func drain() -> Bool {
        draining = true
        switch phase {
        case .idle, .reading:
            phase = .closed
            return true
        case .answering, .closed:
            return false
        }
    }

    /// The client's connection is gone: true when a request was being answered (its work stops).
    mutating func closed() -> Bool {
        let wasAnswering = phase == .answering
        phase = .closed
        waiting.removeAll()
        return wasAnswering
    }
}
