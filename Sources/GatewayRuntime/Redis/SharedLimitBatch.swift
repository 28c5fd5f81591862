import NIOCore

/// One event loop's requests waiting for their shared rate limits, gathered per rule: while a
/// rule's call to Redis is out, its next requests wait and go together in one script call
/// (`admit` with their count) when it returns, as a group commit does; an idle rule's request goes
/// out when the loop has handled what it read in that pass (`execute` runs after the pass's I/O).
/// So a loaded gateway makes far fewer calls than requests, and Redis' work grows with the loops,
/// not the load. A call that fails fails the requests waiting behind it too, so none waits past
/// one deadline. Lives on its loop only.
///
/// A rule whose limits are all request limits of at least 500 per interval also asks for a lease:
/// 0.2% of its smallest limit (at most 1,000) beyond the requests waiting. What Redis grants
/// beyond them admits this loop's next requests without a call, until the buckets' next refill
/// (then what is left is dropped: leased tokens belong to the interval they were taken in). The
/// limit is never exceeded, since leased tokens came from the shared bucket; tokens leased and not
/// used by the refill are lost to everyone, at most 0.2% per loop of each replica. Limits under
/// 500 per interval get no lease: every request is decided by Redis.
final class SharedLimitBatch {
    private let loop: any EventLoop
    private let send: (RulePolicies, Int) -> EventLoopFuture<RESPValue>
    private struct Rule {
        let policies: RulePolicies
        var waiting: [EventLoopPromise<SharedRateLimits.Verdict>] = []
        var callOut = false
        var leased = 0
        var leaseEnds = NIODeadline.distantPast
    }



    private var rules: [ObjectIdentifier: Rule] = [:]
    /// Rules with requests waiting and no call out, in the order they came.
    private var ready: [ObjectIdentifier] = []
    private var flushScheduled = false

    init(loop: any EventLoop, send: @escaping (RulePolicies, Int) -> EventLoopFuture<RESPValue>) {
        self.loop = loop
        self.send = send
    }

    /// Takes a leased token for a request of this rule; false when there is none (then `admit`).
    func takeLeased(_ policies: RulePolicies, now: NIODeadline) -> Bool {
        guard policies.sharedLeaseSize > 0, let rule = rules[ObjectIdentifier(policies)], rule.leased > 0, now < rule.leaseEnds else { return false }
        rules[ObjectIdentifier(policies)]?.leased -= 1
        return true
    }

    func admit(_ policies: RulePolicies) -> EventLoopFuture<SharedRateLimits.Verdict> {
        let promise = loop.makePromise(of: SharedRateLimits.Verdict.self)
        let key = ObjectIdentifier(policies)
        var rule = rules[key] ?? Rule(policies: policies)
        rule.waiting.append(promise)
        if !rule.callOut, rule.waiting.count == 1 { ready.append(key) }
        rules[key] = rule
        if !ready.isEmpty, !flushScheduled {
            flushScheduled = true
            loop.assumeIsolated().execute { [self] in flush() }
        }
        return promise.futureResult
    }

    private func flush() {
        flushScheduled = false
        let keys = ready
        ready = []
        for key in keys { send(key) }
    }

    private func send(_ key: ObjectIdentifier) {
        guard var rule = rules[key], !rule.callOut, !rule.waiting.isEmpty else { return }
        let batch = rule.waiting
        rule.waiting = []
        rule.callOut = true
        rule.leased = 0
        rules[key] = rule
        let asked = batch.count + rule.policies.sharedLeaseSize
        send(rule.policies, asked).assumeIsolated().whenComplete { [self] result in
            let (verdicts, granted, leaseMilliseconds) = Self.verdicts(result, requests: batch.count, asked: asked)
            for (promise, verdict) in zip(batch, verdicts) { promise.succeed(verdict) }
            guard var rule = rules[key] else { return }
            rule.callOut = false
            if granted > 0 {
                rule.leased = granted
                rule.leaseEnds = .now() + .milliseconds(Int64(leaseMilliseconds))
            }
            if case .failure = result {
                // Redis just failed: the requests behind the call would only wait for the same.
                let behind = rule.waiting
                rule.waiting = []
                for (promise, verdict) in zip(behind, Self.verdicts(result, requests: behind.count, asked: behind.count).verdicts) { promise.succeed(verdict) }
            }
            // Requests that came while the call was out take leased tokens first.
            while rule.leased > 0, !rule.waiting.isEmpty {
                rule.leased -= 1
                rule.waiting.removeFirst().succeed(.admitted)
            }
            if rule.waiting.isEmpty {
                rules[key] = rule.leased > 0 ? rule : nil
            } else {
                rules[key] = rule
                send(key)
            }
        }
    }

    /// The script's reply {admitted, stopping bucket, ms to its refill} to a call that asked for
    /// `asked` tokens on behalf of `requests` requests: one verdict per request (the first ones
    /// pass, the rest are refused by that bucket), the tokens granted beyond them (the lease), and
    /// how long the lease may be used (until the buckets' next refill).
    static func verdicts(_ result: Result<RESPValue, any Error>, requests: Int, asked: Int) -> (verdicts: [SharedRateLimits.Verdict], granted: Int, leaseMilliseconds: Int) {
        switch result {
        case .failure(let error):
            return (Array(repeating: .unavailable("\(error)"), count: requests), 0, 0)
        case .success(let reply):
            guard case .array(let values?) = reply, values.count == 3, let admitted = values[0].integer, let stopped = values[1].integer, let reset = values[2].integer,
                admitted >= 0, admitted <= Int64(asked)
            else { return (Array(repeating: .unavailable("unexpected reply from the rate-limit script"), count: requests), 0, 0) }
            let refusal = SharedRateLimits.Verdict.refused(position: max(0, Int(stopped) - 1), resetSeconds: RateLimitBucket.seconds(UInt64(max(reset, 0)) * 1_000_000))
            return ((0..<requests).map { $0 < Int(admitted) ? .admitted : refusal }, max(0, Int(admitted) - requests), Int(max(reset, 0)))
        }
    }
}
