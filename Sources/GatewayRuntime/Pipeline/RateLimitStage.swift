import Dispatch
import GatewayIR

/// Local rate limits: every request limit of the rule takes a token; a token limit admits the
/// request while its bucket is not empty and is charged the answer's tokens once it ended
/// (`RequestPipeline.answered`). The first empty bucket answers 429 with `retry-after` and
/// `x-ratelimit-limit`, `-remaining`, `-reset`, in OpenAI's error shape on AI routes. A request
/// refused by one limit may already have taken a token from an earlier one (as in agentgateway).
struct RateLimitStage: RequestStage {
    var name: String { "rate limit" }
    /// Monotonic nanoseconds; tests pass their own.
    var now: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let policies = context.policies, !policies.requestLimits.isEmpty || !policies.tokenLimits.isEmpty else { return .next }
        let time = now()
        // Two loops, not one over the two arrays joined: that would allocate per request.
        for bucket in policies.requestLimits {
            if let refusal = refusal(bucket.admit(now: time), bucket, &context, processor) { return refusal }
        }
        for bucket in policies.tokenLimits {
            if let refusal = refusal(bucket.admit(now: time), bucket, &context, processor) { return refusal }
        }
        return .next
    }

    /// The 429 for a bucket that refused the request; nil when it admitted it.
    private func refusal(_ decision: RateLimitBucket.Decision, _ bucket: RateLimitBucket, _ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult? {
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
