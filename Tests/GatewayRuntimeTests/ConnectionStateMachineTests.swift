import NIOCore
import Testing

@testable import GatewayRuntime

/// Every transition of a connection's state machine, with the clock a number the test moves.
@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<Int>
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ seconds: Double) -> NIODeadline { start + .nanoseconds(Int64(seconds * 1e9)) }
    static func machine() -> Machine { Machine(idleTimeout: .seconds(60), readTimeout: .seconds(30), now: start) }
    static let malformed = RequestParser.Malformed(400, "a folded header line")

    @Test func aRequestIsStartedAndTheNextWaitsItsTurn() {
        var machine = Self.machine()
        guard case .start(1) = machine.requestReceived(1) else { Issue.record("first request not started"); return }
        #expect(machine.isAnswering)
        guard case .queue(pauseReading: false) = machine.requestReceived(2) else { Issue.record("second request not queued"); return }
        guard case .start(2, resumeReading: false) = machine.answerEnded(closeConnection: false, now: Self.at(1)) else { Issue.record("queued request not started"); return }
        guard case .waitForRequest = machine.answerEnded(closeConnection: false, now: Self.at(2)) else { Issue.record("not idle after the last answer"); return }
        #expect(machine.phase == .idle(since: Self.at(2)))
    }

    @Test func aFullQueuePausesReadingUntilHalfIsAnswered() {
        var machine = Self.machine()
        _ = machine.requestReceived(0)
        var pauses = 0
        for request in 1...Machine.maxWaiting {
            if case .queue(pauseReading: true) = machine.requestReceived(request) { pauses += 1 }
        }
        #expect(pauses == 1, "reading pauses once, when the queue fills")
        var resumed: Int?
        for answer in 1...Machine.maxWaiting {
            if case .start(_, resumeReading: true) = machine.answerEnded(closeConnection: false, now: Self.at(1)) { resumed = answer }
        }
        #expect(resumed == Machine.maxWaiting / 2 + 1, "reading resumes when fewer than half wait")
    }

    @Test func aFaultIsRefusedAtOnceOrAfterTheRequestsBeforeIt() {
        var idle = Self.machine()
        let outcome1 = idle.requestMalformed(Self.malformed)
        #expect(outcome1 == .refuse(status: 400, reason: "a folded header line"))
        #expect(idle.phase == .closed)

        var busy = Self.machine()
        _ = busy.requestReceived(1)
        _ = busy.requestReceived(2)
        let outcome2 = busy.requestMalformed(Self.malformed)
        #expect(outcome2 == .later)
        guard case .start(2, _) = busy.answerEnded(closeConnection: false, now: Self.at(1)) else { Issue.record("request before the fault not answered"); return }
        guard case .refuse(let fault) = busy.answerEnded(closeConnection: false, now: Self.at(2)) else { Issue.record("fault not refused after the answers"); return }
        #expect(fault.status == 400)
        #expect(busy.phase == .closed)
        let outcome3 = busy.requestMalformed(Self.malformed)
        #expect(outcome3 == .none, "a closed connection refuses nothing more")
    }

    @Test func theIdleTimeoutClosesAnIdleConnection() {
        var machine = Self.machine()
        let outcome4 = machine.tick(now: Self.at(59.9))
        #expect(outcome4 == .none)
        let outcome5 = machine.tick(now: Self.at(60))
        #expect(outcome5 == .close)
        #expect(machine.phase == .closed)
        #expect(machine.tickInterval == .milliseconds(7500), "a quarter of the shorter timeout")
    }

    @Test func theReadTimeoutRunsFromARequestsFirstByte() {
        var machine = Self.machine()
        machine.requestBegan(now: Self.at(50))
        let outcome6 = machine.tick(now: Self.at(70))
        #expect(outcome6 == .none, "the idle timeout no longer applies")
        let outcome7 = machine.tick(now: Self.at(80))
        #expect(outcome7 == .refuse(status: 408, reason: "the request did not arrive within the read timeout"))
    }

    @Test func noTimeoutAppliesWhileAnswering() {
        var machine = Self.machine()
        _ = machine.requestReceived(1)
        machine.requestBegan(now: Self.at(1))  // a pipelined request's first bytes: no read timeout while answering
        let outcome8 = machine.tick(now: Self.at(3600))
        #expect(outcome8 == .none)
        guard case .waitForRequest = machine.answerEnded(closeConnection: false, now: Self.at(3600)) else { Issue.record("not idle"); return }
        let outcome9 = machine.tick(now: Self.at(3659))
        #expect(outcome9 == .none)
        let outcome10 = machine.tick(now: Self.at(3660))
        #expect(outcome10 == .close)
    }

    @Test func drainClosesAnIdleConnectionAtOnceAndABusyOneAfterItsAnswer() {
        var idle = Self.machine()
        let outcome11 = idle.drain()
        #expect(outcome11)
        var reading = Self.machine()
        reading.requestBegan(now: Self.at(1))
        let outcome12 = reading.drain()
        #expect(outcome12)
        var busy = Self.machine()
        _ = busy.requestReceived(1)
        _ = busy.requestReceived(2)
        let outcome13 = busy.drain()
        #expect(!outcome13)
        guard case .close = busy.answerEnded(closeConnection: false, now: Self.at(1)) else { Issue.record("a draining connection went on"); return }
    }

    @Test func anAnswerThatEndsTheConnectionClosesIt() {
        var machine = Self.machine()
        _ = machine.requestReceived(1)
        _ = machine.requestReceived(2)
        guard case .close = machine.answerEnded(closeConnection: true, now: Self.at(1)) else { Issue.record("not closed"); return }
        guard case .drop = machine.requestReceived(3) else { Issue.record("a request on a closed connection was taken"); return }
        guard case .close = machine.answerEnded(closeConnection: false, now: Self.at(2)) else { Issue.record("an answer on a closed connection went on"); return }
    }

    @Test func theClientLeavingStopsTheRequestInFlight() {
        var busy = Self.machine()
        _ = busy.requestReceived(1)
        let outcome14 = busy.closed()
        #expect(outcome14, "the request's work is to stop")
        var idle = Self.machine()
        let outcome15 = idle.closed()
        #expect(!outcome15)
        let outcome16 = idle.tick(now: Self.at(1000))
        #expect(outcome16 == .none)
    }
}

/// Every transition of a plain route's upstream exchange.
@Suite("Proxy exchange state machine")
struct ProxyExchangeStateMachineTests {
    static let deadline = NIODeadline.uptimeNanoseconds(10_000_000_000)

    @Test func aCleanExchangeWithBackpressure() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline)
        let outcome17 = exchange.connected(reused: true)
        #expect(outcome17)
        #expect(!exchange.answerStarted)
        let outcome18 = exchange.headReceived()
        #expect(outcome18 == .forward)
        #expect(exchange.answerStarted)
        let outcome19 = exchange.bodyReceived(clientWritable: true)
        #expect(outcome19 == .forward)
        let outcome20 = exchange.bodyReceived(clientWritable: false)
        #expect(outcome20 == .forwardAndPause)
        let outcome21 = exchange.bodyReceived(clientWritable: false)
        #expect(outcome21 == .forward, "paused once")
        let outcome22 = exchange.clientWritable()
        #expect(outcome22)
        let outcome23 = exchange.clientWritable()
        #expect(!outcome23, "resumed once")
        let outcome24 = exchange.ended()
        #expect(outcome24)
        #expect(exchange.isFinished)
        let outcome25 = exchange.ended()
        #expect(!outcome25, "an exchange ends once")
        let outcome26 = exchange.failed("late")
        #expect(outcome26 == .none)
    }

    @Test func aPooledConnectionThatFailsBeforeAnsweringIsRetriedOnce() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = exchange.connected(reused: true)
        let outcome27 = exchange.failed("reset")
        #expect(outcome27 == .retry)
        #expect(exchange.state == .connecting(fresh: true))
        _ = exchange.connected(reused: true)
        let outcome28 = exchange.failed("reset")
        #expect(outcome28 == .answer(status: 502, error: "upstream failure: reset"), "once only")
    }

    @Test func aNewConnectionThatFailsIsA502() {
        var fresh = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = fresh.connected(reused: false)
        let outcome29 = fresh.failed("reset")
        #expect(outcome29 == .answer(status: 502, error: "upstream failure: reset"))
        var refused = ProxyExchangeStateMachine(deadline: Self.deadline)
        let outcome30 = refused.connectFailed("refused")
        #expect(outcome30 == .answer(status: 502, error: "upstream failure: refused"))
        let outcome31 = refused.connectFailed("again")
        #expect(outcome31 == .none)
        let outcome32 = refused.connected(reused: false)
        #expect(!outcome32, "no connection is used after the exchange ended")
    }

    @Test func aFailureAfterTheHeadCutsTheAnswer() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = exchange.connected(reused: false)
        _ = exchange.headReceived()
        _ = exchange.bodyReceived(clientWritable: false)
        let outcome33 = exchange.failed("reset")
        #expect(outcome33 == .cut(error: "upstream failure: reset"))
        let outcome34 = exchange.upstreamDetached()
        #expect(outcome34, "a paused upstream is resumed before it is released")
        let outcome35 = exchange.upstreamDetached()
        #expect(!outcome35)
    }

    @Test func theDeadlineCoversTheWholeAnswer() {
        var waiting = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = waiting.connected(reused: false)
        let outcome36 = waiting.timerFired(now: Self.deadline - .milliseconds(1))
        #expect(outcome36 == .none, "a timer set for an earlier request")
        let outcome37 = waiting.timerFired(now: Self.deadline)
        #expect(outcome37 == .answer(status: 504, error: "upstream timeout"))
        var streaming = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = streaming.connected(reused: false)
        _ = streaming.headReceived()
        let outcome38 = streaming.timerFired(now: Self.deadline + .seconds(1))
        #expect(outcome38 == .cut(error: "upstream timeout"))
        let outcome39 = streaming.timerFired(now: Self.deadline + .seconds(2))
        #expect(outcome39 == .none)
        var connecting = ProxyExchangeStateMachine(deadline: Self.deadline)
        let outcome40 = connecting.timerFired(now: Self.deadline)
        #expect(outcome40 == .answer(status: 504, error: "upstream timeout"))
    }

    @Test func anAbandonedExchangeTakesNoMoreEvents() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline)
        _ = exchange.connected(reused: false)
        exchange.abandon()
        let outcome41 = exchange.headReceived()
        #expect(outcome41 == .none)
        let outcome42 = exchange.timerFired(now: Self.deadline)
        #expect(outcome42 == .none)
    }

    // A retry policy (traffic.retry): 2 attempts on 503, 50 ms apart.
    static let retry = RetryPolicy(attempts: 2, codes: [503], backoff: .milliseconds(50))
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func aRetriedStatusIsDroppedAndTriedAgainUpToTheAttempts() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline, retry: Self.retry)
        for attempt in 1...2 {
            _ = exchange.connected(reused: false)
            let head = exchange.headReceived(status: 503, now: Self.start)
            #expect(head == .retry(after: .milliseconds(50)), "attempt \(attempt)")
            #expect(!exchange.answerStarted && exchange.state == .backingOff)
            let resumed = exchange.backoffElapsed()
            #expect(resumed && exchange.state == .connecting(fresh: false))
        }
        _ = exchange.connected(reused: false)
        // Attempts used up: the third 503 is the answer.
        let last = exchange.headReceived(status: 503, now: Self.start)
        #expect(last == .forward && exchange.policyRetries == 2)
    }

    @Test func otherStatusesAndLateRetriesAreNotRetried() {
        var ok = ProxyExchangeStateMachine(deadline: Self.deadline, retry: Self.retry)
        _ = ok.connected(reused: false)
        let forwarded = ok.headReceived(status: 500, now: Self.start)
        #expect(forwarded == .forward)
        // A backoff that would end past the deadline: the answer stands.
        var late = ProxyExchangeStateMachine(deadline: Self.start + .milliseconds(40), retry: Self.retry)
        _ = late.connected(reused: false)
        let lateHead = late.headReceived(status: 503, now: Self.start)
        #expect(lateHead == .forward)
    }

    @Test func aConnectionFailureCountsAs502() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline, retry: RetryPolicy(attempts: 1, codes: [502], backoff: .zero))
        let first = exchange.connectFailed("refused", now: Self.start)
        #expect(first == .retryAfter(.zero))
        let resumed = exchange.backoffElapsed()
        #expect(resumed)
        let second = exchange.connectFailed("refused", now: Self.start)
        #expect(second == .answer(status: 502, error: "upstream failure: refused"))
    }

    @Test func nothingIsRetriedOnceTheAnswerStarted() {
        var exchange = ProxyExchangeStateMachine(deadline: Self.deadline, retry: RetryPolicy(attempts: 3, codes: [502, 503], backoff: .zero))
        _ = exchange.connected(reused: false)
        let head = exchange.headReceived(status: 200, now: Self.start)
        #expect(head == .forward)
        let failure = exchange.failed("reset")
        #expect(failure == .cut(error: "upstream failure: reset"))
        // A timer during the backoff ends the exchange with 504.
        var waiting = ProxyExchangeStateMachine(deadline: Self.deadline, retry: Self.retry)
        _ = waiting.connected(reused: false)
        _ = waiting.headReceived(status: 503, now: Self.start)
        let timeout = waiting.timerFired(now: Self.deadline)
        #expect(timeout == .answer(status: 504, error: "upstream timeout"))
        let late = waiting.backoffElapsed()
        #expect(!late)
    }
}
