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
        for bucket in policies.requestLimits + policies.tokenLimits {
            let decision = bucket.admit(now: time)
            guard decision.allowed else {
                context.record.error = "rate limited: \(bucket.summary)"
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
        context.record.tokenLimits = policies.tokenLimits
        return .next
    }
}
