import NIOCore

/// One plain-route request's exchange with its upstream, as a value: connect (a pooled connection
/// first), send, the answer's head, its body streamed to the client (the upstream paused while the
/// client reads slower than it sends), one retry on a new connection when a pooled one turns out
/// closed before answering, a retry policy's attempts (an answer whose status it retries is
/// dropped before any of it reaches the client), and the request's deadline over the whole answer. Events in, actions
/// out; the handler executes them (`GatewayConnectionHandler+Proxy`), the tests drive it alone.
struct ProxyExchangeStateMachine {
    enum State: Equatable {
        case connecting(fresh: Bool)
        /// Waiting out a retry policy's backoff before connecting again.
        case backingOff
        /// The request is sent on this connection; no byte of the answer has come back.
        case awaitingHead(reused: Bool)
        /// The answer's head went to the client; its body is streaming.
        case streaming
        case finished
    }

    enum FailureAction: Equatable {
        /// Connect again, to a new connection (a pooled one the upstream had closed meanwhile).
        case retry
        /// A retry policy's attempt: connect again once the backoff passed (`backoffElapsed`).
        case retryAfter(TimeAmount)
        /// Nothing went to the client yet: answer it with this status.
        case answer(status: Int, error: String)
        /// Part of the answer is out: send what arrived, then close (the client sees a cut answer).
        case cut(error: String)
        case none
    }

    enum BodyAction: Equatable {
        case forward
        /// Forward, and pause the upstream until the client drains its socket.
        case forwardAndPause
    }

    enum HeadAction: Equatable {
        /// Write the head to the client; the body follows.
        case forward
        /// Drop this answer (nothing of it reached the client) and try again after the backoff.
        case retry(after: TimeAmount)
        case none
    }

    private(set) var state: State = .connecting(fresh: false)
    let deadline: NIODeadline
    let retryPolicy: RetryPolicy?
    private var retried = false
    /// Attempts the retry policy has made so far.
    private(set) var policyRetries = 0
    private(set) var upstreamPaused = false

    init(deadline: NIODeadline, retry: RetryPolicy? = nil) {
        self.deadline = deadline
        retryPolicy = retry
    }

    /// Whether the retry policy tries again after an answer with `status` (a failure to connect or
    /// to get a head counts as 502), `now`: attempts are left and the backoff ends before the deadline.
    private mutating func policyRetry(status: Int, now: NIODeadline) -> TimeAmount? {
        guard let policy = retryPolicy, policyRetries < policy.attempts, policy.retries(status: status), now + policy.backoff < deadline else { return nil }
        policyRetries += 1
        state = .backingOff
        return policy.backoff
    }

    var isFinished: Bool { state == .finished }
    var answerStarted: Bool { state == .streaming }

    /// A connection is ready (taken from the pool, or newly made) and the request goes out on it.
    mutating func connected(reused: Bool) -> Bool {
        guard case .connecting = state else { return false }
        state = .awaitingHead(reused: reused)
        return true
    }

    mutating func connectFailed(_ error: String, now: NIODeadline = .now()) -> FailureAction {
        guard case .connecting = state else { return .none }
        if let backoff = policyRetry(status: 502, now: now) { return .retryAfter(backoff) }
        state = .finished
        return .answer(status: 502, error: "upstream failure: \(error)")
    }

    /// The answer's head arrived: it goes to the client, or (its status one the retry policy
    /// retries) it is dropped for another attempt. Nothing of an answer is ever sent before this.
    mutating func headReceived(status: Int = 200, now: NIODeadline = .now()) -> HeadAction {
        guard case .awaitingHead = state else { return .none }
        if let backoff = policyRetry(status: status, now: now) { return .retry(after: backoff) }
        state = .streaming
        return .forward
    }

    /// The backoff passed: true when the exchange connects again now.
    mutating func backoffElapsed() -> Bool {
        guard state == .backingOff else { return false }
        state = .connecting(fresh: false)
        return true
    }

    mutating func bodyReceived(clientWritable: Bool) -> BodyAction {
        guard state == .streaming, !clientWritable, !upstreamPaused else { return .forward }
        upstreamPaused = true
        return .forwardAndPause
    }

    /// The client's socket has room again: true when the upstream is to resume.
    mutating func clientWritable() -> Bool {
        guard upstreamPaused else { return false }
        upstreamPaused = false
        return true
    }

    /// The answer ended cleanly: true when it did end this exchange.
    mutating func ended() -> Bool {
        guard state == .streaming else { return false }
        state = .finished
        return true
    }

    mutating func failed(_ error: String) -> FailureAction {
        switch state {
        case .awaitingHead(reused: true) where !retried:
            retried = true
            state = .connecting(fresh: true)
            return .retry
        case .connecting, .awaitingHead:
            if let backoff = policyRetry(status: 502, now: .now()) { return .retryAfter(backoff) }
            state = .finished
            return .answer(status: 502, error: "upstream failure: \(error)")
        case .streaming:
            state = .finished
            return .cut(error: "upstream failure: \(error)")
        case .finished, .backingOff:
            return .none
        }
    }

    /// The connection's timer fired: acts only when this exchange's deadline has passed.
    mutating func timerFired(now: NIODeadline) -> FailureAction {
        guard now >= deadline else { return .none }
        switch state {
        case .connecting, .awaitingHead, .backingOff:
            state = .finished
            return .answer(status: 504, error: "upstream timeout")
        case .streaming:
            state = .finished
            return .cut(error: "upstream timeout")
        case .finished:
            return .none
        }
    }

    /// The client went away: the exchange is dropped (its upstream connection closed).
    mutating func abandon() { state = .finished }

    /// The upstream connection leaves the exchange: true when it was paused (resume it before it
    /// goes back to the pool).
    mutating func upstreamDetached() -> Bool {
        defer { upstreamPaused = false }
        return upstreamPaused
    }
}
