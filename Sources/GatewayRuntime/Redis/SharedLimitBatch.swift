import NIOCore

/// One event loop's requests waiting for their shared rate limits, gathered per rule: while a
/// rule's call to Redis is out, its next requests wait and go together in one script call
/// (`admit` with their count) when it returns, as a group commit does; an idle rule's request goes
/// out when the loop has handled what it read in that pass (`execute` runs after the pass's I/O).
/// So a loaded gateway makes far fewer calls than requests, and Redis' work grows with the loops,
/// not the load. A call that fails fails the requests waiting behind it too, so none waits past
/// one deadline. Lives on its loop only.
final class SharedLimitBatch {
    private let loop: any EventLoop
    private let send: (RulePolicies, Int) -> EventLoopFuture<RESPValue>
    private struct Rule {
        let policies: RulePolicies
        var waiting: [EventLoopPromise<SharedRateLimits.Verdict>] = []
        var callOut = false
    }

    private var rules: [ObjectIdentifier: Rule] = [:]
    /// Rules with requests waiting and no call out, in the order they came.
    private var ready: [ObjectIdentifier] = []
    private var flushScheduled = false

    init(loop: any EventLoop, send: @escaping (RulePolicies, Int) -> EventLoopFuture<RESPValue>) {
        self.loop = loop
        self.send = send
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
        rules[key] = rule
        send(rule.policies, batch.count).assumeIsolated().whenComplete { [self] result in
            for (promise, verdict) in zip(batch, Self.verdicts(result, count: batch.count)) { promise.succeed(verdict) }
            guard var rule = rules[key] else { return }
            rule.callOut = false
            if case .failure = result {
                // Redis just failed: the requests behind the call would only wait for the same.
                let behind = rule.waiting
                rule.waiting = []
                for (promise, verdict) in zip(behind, Self.verdicts(result, count: behind.count)) { promise.succeed(verdict) }
            }
            if rule.waiting.isEmpty {
                rules[key] = nil
            } else {
                rules[key] = rule
                send(key)
            }
        }
    }

    /// The script's reply {admitted, stopping bucket, ms to its refill} as one verdict per request
    /// of the batch: the first `admitted` pass, the rest are refused by that bucket.
    static func verdicts(_ result: Result<RESPValue, any Error>, count: Int) -> [SharedRateLimits.Verdict] {
        switch result {
        case .failure(let error):
            return Array(repeating: .unavailable("\(error)"), count: count)
        case .success(let reply):
            guard case .array(let values?) = reply, values.count == 3, let admitted = values[0].integer, let stopped = values[1].integer, let reset = values[2].integer,
                admitted >= 0, admitted <= Int64(count)
            else { return Array(repeating: .unavailable("unexpected reply from the rate-limit script"), count: count) }
            let refusal = SharedRateLimits.Verdict.refused(position: max(0, Int(stopped) - 1), resetSeconds: RateLimitBucket.seconds(UInt64(max(reset, 0)) * 1_000_000))
            return (0..<count).map { $0 < Int(admitted) ? .admitted : refusal }
        }
    }
}
