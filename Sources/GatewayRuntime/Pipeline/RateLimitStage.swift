import Dispatch
import GatewayIR
import NIOCore
import NIOPosix

/// Rate limits: every request limit of the rule takes a token; a token limit admits the request
/// while its bucket is not empty and is charged the answer's tokens once it ended
/// (`RequestPipeline.answered`). The first empty bucket answers 429 with `retry-after` and
/// `x-ratelimit-limit`, `-remaining`, `-reset`, in OpenAI's error shape on AI routes. A request
/// refused by one limit may already have taken a token from an earlier one (as in agentgateway).
/// With `--redis` the buckets are Redis' (`SharedRateLimits`): the stage waits for its script,
/// and when Redis fails, FailOpen decides with the local buckets and FailClosed answers 503.
struct RateLimitStage: RequestStage {
    var name: String { "rate limit" }
    /// Monotonic nanoseconds; tests pass their own.
    var now: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let policies = context.policies, !policies.requestLimits.isEmpty || !policies.tokenLimits.isEmpty else { return .next }
        if let shared = processor.sharedLimits, let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            if shared.takeLeased(policies, on: loop) { return .next }
            let now = now
            return .wait(shared.admit(policies, on: loop).map { verdict in
                { context, processor in Self.decide(verdict, policies, shared, now(), &context, processor) }
            })
        }
        return Self.local(policies, now(), &context, processor)
    }

    private static func local(_ policies: RulePolicies, _ time: UInt64, _ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        // Two loops, not one over the two arrays joined: that would allocate per request.
        for bucket in policies.requestLimits {
            if let refusal = refusal(bucket.admit(now: time), bucket, &context, processor) { return refusal }
        }
        for bucket in policies.tokenLimits {
            if let refusal = refusal(bucket.admit(now: time), bucket, &context, processor) { return refusal }
        }
        return .next
    }

    private static func decide(
        _ verdict: SharedRateLimits.Verdict, _ policies: RulePolicies, _ shared: SharedRateLimits, _ time: UInt64, _ context: inout RequestContext, _ processor: RequestProcessor
    ) -> StageResult {
        switch verdict {
        case .admitted: return .next
        case .refused(let position, let reset):
            let bucket = position < policies.requestLimits.count ? policies.requestLimits[position] : policies.tokenLimits[max(0, min(position - policies.requestLimits.count, policies.tokenLimits.count - 1))]
            return refusal(.init(allowed: false, limit: Int(bucket.limit), remaining: 0, resetSeconds: reset), bucket, &context, processor) ?? .next
        case .unavailable(let reason):
            switch shared.failureMode {
            case .failOpen:
                shared.countFallback()
                context.record.verdicts.append(.init(stage: "rate limit", policy: "", verdict: "shared limits unavailable (\(reason)): local buckets decided"))
                return local(policies, time, &context, processor)
            case .failClosed:
                shared.countClosedRefusal()
                context.record.error = "shared rate limits unavailable: \(reason)"
                context.record.verdicts.append(.init(stage: "rate limit", policy: "", verdict: "refused: shared limits unavailable (FailClosed)"))
                context.record.audited = true
                return .answer(PolicyAnswer.refusal(503, "rate limits cannot be checked (the shared store is unavailable); retry shortly", type: "requests", code: "rate_limit_unavailable", context: context, processor: processor))
            }
        }
    }

    /// The 429 for a bucket that refused the request; nil when it admitted it.
    private static func refusal(_ decision: RateLimitBucket.Decision, _ bucket: RateLimitBucket, _ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult? {
        guard !decision.allowed else { return nil }
        context.record.error = "rate limited: \(bucket.summary)"
        context.record.verdicts.append(.init(stage: "rate limit", policy: bucket.policy, verdict: "refused: \(bucket.summary)"))
        context.record.audited = true
        var response = PolicyAnswer.refusal(
            429, "rate limit exceeded: \(bucket.summary); retry in \(decision.resetSeconds) s",
            type: bucket.unit == .tokens ? "tokens" : "requests", code: "rate_limit_exceeded", context: context, processor: processor)
        response.headers += [
            ("retry-after", String(decision.resetSeconds)), ("x-ratelimit-limit", String(decision.limit)),
            ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", String(decision.resetSeconds)),
        ]
        return .answer(response)
    }
}
