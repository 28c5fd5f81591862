/// The merged policies one rule's requests meet on one listener, ready to run: built once per
/// table (`PolicyRuntime`), shared by every request. A class, so that a request carries one
/// reference, not a copy of every list.
final class RulePolicies: Sendable {
    /// What the builder fills in.
    struct Parts {
        /// In order: every one must accept (or pass anonymously) a request.
        var authenticators: [any ClientAuthenticator] = []
        var requestLimits: [RateLimitBucket] = []
        var tokenLimits: [RateLimitBucket] = []
        /// Every Budget limit attached (none is merged away): each must have room.
        var budgets: [BudgetLimit] = []
        /// Applied by the AI exchange, which parses the body (prompt guards act on AI routes only).
        var promptGuard: PromptGuard?
        var cors: CORSPolicy?
        /// `traffic.headerModifiers` (ranges of the table's header operations).
        var requestHeaderOps: [Range<Int>] = []
        var responseHeaderOps: [Range<Int>] = []
        var directResponse: GatewayResponse?
        /// `traffic.hostRewrite`: true Auto, false None, nil the default (Auto for a static backend named by host name).
        var hostRewriteAuto: Bool?
        var retry: RetryPolicy?

        var isEmpty: Bool {
            authenticators.isEmpty && requestLimits.isEmpty && tokenLimits.isEmpty && budgets.isEmpty && promptGuard == nil && cors == nil
                && requestHeaderOps.isEmpty && responseHeaderOps.isEmpty && directResponse == nil && hostRewriteAuto == nil && retry == nil
        }
    }

    let authenticators: [any ClientAuthenticator]
    let requestLimits: [RateLimitBucket]
    let tokenLimits: [RateLimitBucket]
    let budgets: [BudgetLimit]
    let promptGuard: PromptGuard?
    let cors: CORSPolicy?
    let requestHeaderOps: [Range<Int>]
    let responseHeaderOps: [Range<Int>]
    let directResponse: GatewayResponse?
    let hostRewriteAuto: Bool?
    let retry: RetryPolicy?
    /// With `--redis`: the script's keys and per-key arguments for the rule's buckets, request
    /// limits first (`SharedRateLimitScript`), made once per table instead of per request.
    let sharedKeys: [String]
    let sharedBucketArguments: [String]
    let sharedTokenKeys: [String]
    let sharedTokenArguments: [String]
    /// Tokens each loop may lease from Redis beyond its waiting requests (`SharedLimitBatch`):
    /// 0.2% of the smallest request limit, at most 1,000; none with token limits.
    let sharedLeaseSize: Int

    init(_ parts: Parts) {
        authenticators = parts.authenticators
        requestLimits = parts.requestLimits
        tokenLimits = parts.tokenLimits
        budgets = parts.budgets
        promptGuard = parts.promptGuard
        cors = parts.cors
        requestHeaderOps = parts.requestHeaderOps
        responseHeaderOps = parts.responseHeaderOps
        directResponse = parts.directResponse
        hostRewriteAuto = parts.hostRewriteAuto
        retry = parts.retry
        let all = parts.requestLimits + parts.tokenLimits
        sharedKeys = all.map { SharedRateLimits.redisKey($0.key) }
        sharedBucketArguments = all.flatMap(\.scriptArguments)
        sharedTokenKeys = parts.tokenLimits.map { SharedRateLimits.redisKey($0.key) }
        sharedTokenArguments = parts.tokenLimits.flatMap(\.scriptArguments)
        sharedLeaseSize = parts.tokenLimits.isEmpty ? min(1000, Int(parts.requestLimits.map(\.limit).min() ?? 0) / 500) : 0
    }
}
