import Crypto
import Metrics
import NIOConcurrencyHelpers
import NIOCore

/// `--redis`: the rate-limit buckets of every replica kept in one Redis, so that N replicas let
/// through one limit, not N (docs/redis.md). Each request's buckets are run by one script call
/// (`SharedRateLimitScript`, loaded once per connection and called by its SHA-1); token limits
/// are charged after the answer by a second one. When Redis fails or misses the deadline,
/// `FailOpen` decides with the replica's own buckets (counted in
/// `gwrun_shared_limit_fallbacks_total`) and `FailClosed` answers 503.
public final class SharedRateLimits: Sendable {
    public enum FailureMode: String, Sendable, CaseIterable {
        case failOpen = "FailOpen"
        case failClosed = "FailClosed"
    }

    /// What Redis decided for a request's buckets.
    enum Verdict: Sendable {
        case admitted
        /// The bucket at this position of the rule's request limits, then token limits, refused.
        case refused(position: Int, resetSeconds: Int)
        case unavailable(String)
    }

    let client: RedisClient
    public let failureMode: FailureMode
    let scriptHash: String
    /// Budgets, on the same connections.
    let budgets: SharedBudgets
    private let fallbacks = Counter(label: "gwrun_shared_limit_fallbacks_total")
    private let closedRefusals = Counter(label: "gwrun_shared_limit_unavailable_total")
    private let failedCharges = Counter(label: "gwrun_shared_limit_charge_failures_total")
    private let batches = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<SharedLimitBatch>]>([:])

    public init(address: RedisClient.Address, password: String?, timeoutMilliseconds: Int, failureMode: FailureMode, report: @escaping @Sendable (String) -> Void) {
        client = RedisClient(address: address, password: password, timeout: .milliseconds(Int64(timeoutMilliseconds)), scripts: [SharedRateLimitScript.source, SharedBudgets.script], report: report)
        self.failureMode = failureMode
        scriptHash = Hex.lowercase(Insecure.SHA1.hash(data: Array(SharedRateLimitScript.source.utf8)))
        budgets = SharedBudgets(client: client)
    }

    /// A bucket's key in Redis. The hash tag keeps a rule's keys in one slot of a Redis Cluster
    /// (a script's keys must share one); gwrun itself speaks to a single Redis.
    static func redisKey(_ bucketKey: String) -> String { "gwrun:{ratelimit}:\(bucketKey)" }

    /// Runs the rule's buckets in Redis, batched with the loop's other requests of the rule
    /// (`SharedLimitBatch`); the future completes on `loop`, within the deadline.
    func admit(_ policies: RulePolicies, on loop: any EventLoop) -> EventLoopFuture<Verdict> {
        batch(on: loop).value.admit(policies)
    }

    /// Admits a request with a token this loop leased earlier, without a call; false when it has none.
    func takeLeased(_ policies: RulePolicies, on loop: any EventLoop) -> Bool {
        policies.sharedLeaseSize > 0 && batch(on: loop).value.takeLeased(policies, now: .now())
    }

    private func batch(on loop: any EventLoop) -> NIOLoopBound<SharedLimitBatch> {
        let key = ObjectIdentifier(loop)
        return batches.withLockedValue { batches in
            if let found = batches[key] { return found }
            let made = NIOLoopBound(SharedLimitBatch(loop: loop) { [self] policies, count in
                client.call(scriptCall(keys: policies.sharedKeys, "admit", count, policies.sharedBucketArguments), on: loop).flatMapErrorThrowing { error in
                    self.client.reloadIfFlushed(error, script: SharedRateLimitScript.source, on: loop)
                    throw error
                }
            }, eventLoop: loop)
            batches[key] = made
            return made
        }
    }

    /// Charges an answer's tokens to the rule's token buckets in Redis; where Redis cannot be
    /// reached the replica's own buckets are charged (they decide while Redis is away).
    func charge(_ policies: RulePolicies, tokens: Int, on loop: any EventLoop, now: UInt64) {
        guard !policies.sharedTokenKeys.isEmpty else { return }
        client.call(scriptCall(keys: policies.sharedTokenKeys, "charge", tokens, policies.sharedTokenArguments), on: loop).whenFailure { error in
            self.failedCharges.increment()
            self.client.reloadIfFlushed(error, script: SharedRateLimitScript.source, on: loop)
            for bucket in policies.tokenLimits { bucket.charge(tokens, now: now) }
        }
    }

    /// `EVALSHA <hash> <n> <keys...> <op> <amount> <per-key arguments...>` (SharedRateLimitScript).
    private func scriptCall(keys: [String], _ operation: String, _ amount: Int, _ bucketArguments: [String]) -> [String] {
        ["EVALSHA", scriptHash, String(keys.count)] + keys + [operation, String(amount)] + bucketArguments
    }

    func countFallback() { fallbacks.increment() }
    func countClosedRefusal() { closedRefusals.increment() }
}
