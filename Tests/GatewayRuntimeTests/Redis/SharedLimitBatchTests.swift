import NIOCore
import NIOEmbedded
import Testing

@testable import GatewayRuntime

/// Requests of one rule that arrive in one pass of the loop share one script call, and the reply
/// (how many the buckets admitted) becomes one verdict per request; a failed call fails them all.
@Suite("Shared rate limits: batching per loop")
struct SharedLimitBatchTests {
    @Test func requestsOfOneRuleInOnePassMakeOneCall() throws {
        let loop = EmbeddedEventLoop()
        let rule = RulePolicies(.init()), other = RulePolicies(.init())
        var calls: [(ObjectIdentifier, Int)] = []
        let batch = SharedLimitBatch(loop: loop) { policies, count in
            calls.append((ObjectIdentifier(policies), count))
            let admitted: Int64 = policies === rule ? 2 : 1
            return loop.makeSucceededFuture(.array([.integer(admitted), .integer(admitted == 2 ? 1 : 0), .integer(1500)]))
        }
        let futures = [batch.admit(rule), batch.admit(rule), batch.admit(other), batch.admit(rule)]
        #expect(calls.isEmpty)  // nothing goes out before the loop's pass ends
        loop.run()
        #expect(calls.map(\.1) == [3, 1])
        #expect(calls.first?.0 == ObjectIdentifier(rule))
        var verdicts: [String] = []
        for future in futures { verdicts.append("\(try future.wait())") }
        #expect(verdicts == ["admitted", "admitted", "admitted", "refused(position: 0, resetSeconds: 2)"])
        // The next pass starts a new batch.
        _ = batch.admit(rule)
        loop.run()
        #expect(calls.map(\.1) == [3, 1, 1])
    }

    @Test func requestsWaitBehindTheCallOutAndGoTogetherWhenItReturns() throws {
        let loop = EmbeddedEventLoop()
        let rule = RulePolicies(.init())
        var replies: [EventLoopPromise<RESPValue>] = []
        var counts: [Int] = []
        let batch = SharedLimitBatch(loop: loop) { _, count in
            counts.append(count)
            let reply = loop.makePromise(of: RESPValue.self)
            replies.append(reply)
            return reply.futureResult
        }
        let first = batch.admit(rule)
        loop.run()
        let behind = (0..<4).map { _ in batch.admit(rule) }
        loop.run()
        #expect(counts == [1])  // the four wait for the call out
        replies[0].succeed(.array([.integer(1), .integer(0), .integer(0)]))
        #expect("\(try first.wait())" == "admitted")
        #expect(counts == [1, 4])
        replies[1].succeed(.array([.integer(3), .integer(1), .integer(900)]))
        #expect(try behind.map { "\(try $0.wait())" } == ["admitted", "admitted", "admitted", "refused(position: 0, resetSeconds: 1)"])
    }

    @Test func aFailedCallFailsTheRequestsBehindItAtOnce() throws {
        let loop = EmbeddedEventLoop()
        let rule = RulePolicies(.init())
        var replies: [EventLoopPromise<RESPValue>] = []
        let batch = SharedLimitBatch(loop: loop) { _, _ in
            let reply = loop.makePromise(of: RESPValue.self)
            replies.append(reply)
            return reply.futureResult
        }
        let first = batch.admit(rule)
        loop.run()
        let behind = batch.admit(rule)
        replies[0].fail(RedisConnectionStateMachine.Failure.deadline)
        #expect("\(try first.wait())".hasPrefix("unavailable"))
        #expect("\(try behind.wait())".hasPrefix("unavailable"))
        #expect(replies.count == 1)  // no second call for them
    }

    @Test func aFailedCallOrAStrangeReplyLeavesEveryRequestUndecided() {
        let failed = SharedLimitBatch.verdicts(.failure(RedisConnectionStateMachine.Failure.deadline), requests: 2, asked: 2).verdicts
        #expect(failed.map { "\($0)" } == Array(repeating: "unavailable(\"Redis did not answer before the deadline\")", count: 2))
        let strange = SharedLimitBatch.verdicts(.success(.array([.integer(5), .integer(0), .integer(0)])), requests: 2, asked: 2).verdicts
        #expect(strange.allSatisfy { if case .unavailable = $0 { true } else { false } })
    }

    @Test func aHighRequestLimitLeasesTokensForTheLoopsNextRequests() throws {
        let loop = EmbeddedEventLoop()
        var parts = RulePolicies.Parts()
        parts.requestLimits = [RateLimitBucket(unit: .requests, limit: 1_000_000, burst: 0, intervalSeconds: 1, now: 0, summary: "")]
        let rule = RulePolicies(parts)
        #expect(rule.sharedLeaseSize == 1000)
        #expect(RulePolicies(.init()).sharedLeaseSize == 0)
        var asked: [Int] = []
        let batch = SharedLimitBatch(loop: loop) { _, count in
            asked.append(count)
            return loop.makeSucceededFuture(.array([.integer(Int64(count) - 10), .integer(0), .integer(700)]))
        }
        #expect(!batch.takeLeased(rule, now: .now()))
        let first = batch.admit(rule)
        loop.run()
        #expect(asked == [1001])
        #expect("\(try first.wait())" == "admitted")
        // Redis granted 991 of the 1,001 tokens asked: 990 are this loop's to use without a call.
        #expect(!batch.takeLeased(rule, now: .now() + .seconds(1)))
        var leased = 0
        while batch.takeLeased(rule, now: .now()) { leased += 1 }
        #expect(leased == 990)
        // The lease ends at the buckets' next refill (700 ms, from the reply): then it is dropped.
        #expect(!batch.takeLeased(rule, now: .now() + .seconds(2)))
    }

    @Test func aLimitUnder500AndTokenLimitsGetNoLease() {
        var parts = RulePolicies.Parts()
        parts.requestLimits = [RateLimitBucket(unit: .requests, limit: 60, burst: 0, intervalSeconds: 60, now: 0, summary: "")]
        #expect(RulePolicies(parts).sharedLeaseSize == 0)
        parts.requestLimits = [RateLimitBucket(unit: .requests, limit: 100_000, burst: 0, intervalSeconds: 60, now: 0, summary: "")]
        parts.tokenLimits = [RateLimitBucket(unit: .tokens, limit: 100_000, burst: 0, intervalSeconds: 60, now: 0, summary: "")]
        #expect(RulePolicies(parts).sharedLeaseSize == 0)
    }
}
