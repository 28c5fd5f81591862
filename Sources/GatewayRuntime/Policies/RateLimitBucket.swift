import NIOConcurrencyHelpers

/// One `rateLimit.local` entry as a token bucket, as agentgateway and Envoy run it: it holds
/// `limit + burst` tokens, starts full, and gets `limit` tokens back at the end of every `unit`
/// (never above its capacity). A request limit takes one token per request; a token limit
/// admits a request while the bucket is above zero and is charged, after the answer, the
/// tokens the provider reported (the bucket may go into debt, down to minus its capacity, which
/// later periods pay back). Shared by every request the policy applies to, on every event loop.
/// Time is passed in (nanoseconds of a monotonic clock), so tests need no sleeping.
final class RateLimitBucket: Sendable {
    enum Unit: Sendable { case requests, tokens }
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the next refill (at least 1).
        var resetSeconds: Int
    }

    let unit: Unit
    let limit: Int64
    let capacity: Int64
    let intervalNanoseconds: UInt64
    /// For the 429's message: `10 requests per 60 s (policy default/limits)`.
    let summary: String
    /// The policy (`namespace/name`) the entry belongs to.
    let policy: String
    /// Names the bucket in `RateLimitStore` and, with `--redis`, in Redis (`gwrun:ratelimit:<key>`).
    let key: String
    private let state: NIOLockedValueBox<(tokens: Int64, nextFill: UInt64)>

    init(unit: Unit, limit: Int, burst: Int, intervalSeconds: Int, now: UInt64, summary: String, policy: String = "", key: String = "") {
        self.unit = unit
        self.policy = policy
        self.key = key
        self.limit = Int64(max(limit, 1))
        capacity = Int64(max(limit, 1)) + Int64(max(burst, 0))
        intervalNanoseconds = UInt64(max(intervalSeconds, 1)) * 1_000_000_000
        self.summary = summary
        state = NIOLockedValueBox((capacity, now + intervalNanoseconds))
    }

    /// Admits a request (taking its token, for a request limit) or refuses it.
    func admit(now: UInt64) -> Decision {
        state.withLockedValue { state in
            refill(&state, now: now)
            let reset = Self.seconds(state.nextFill - now)
            switch unit {
            case .requests:
                guard state.tokens >= 1 else { return Decision(allowed: false, limit: Int(limit), remaining: 0, resetSeconds: reset) }
                state.tokens -= 1
            case .tokens:
                guard state.tokens > 0 else { return Decision(allowed: false, limit: Int(limit), remaining: 0, resetSeconds: reset) }
            }
            return Decision(allowed: true, limit: Int(limit), remaining: Int(max(state.tokens, 0)), resetSeconds: reset)
        }
    }

    /// Charges a token limit for an answer's tokens.
    func charge(_ tokens: Int, now: UInt64) {
        guard unit == .tokens, tokens > 0 else { return }
        state.withLockedValue { state in
            refill(&state, now: now)
            state.tokens = max(state.tokens - Int64(tokens), -capacity)
        }
    }

    private func refill(_ state: inout (tokens: Int64, nextFill: UInt64), now: UInt64) {
        guard now >= state.nextFill else { return }
        let periods = (now - state.nextFill) / intervalNanoseconds + 1
        state.tokens = min(capacity, state.tokens + Int64(clamping: periods) * limit)
        state.nextFill += periods * intervalNanoseconds
    }

    /// The bucket's four script arguments (`SharedRateLimitScript`): unit, limit, capacity, interval in ms.
    var scriptArguments: [String] {
        [unit == .tokens ? "1" : "0", String(limit), String(capacity), String(intervalNanoseconds / 1_000_000)]
    }

    static func seconds(_ nanoseconds: UInt64) -> Int { max(1, Int((nanoseconds + 999_999_999) / 1_000_000_000)) }
}
