import Crypto
import Metrics
import NIOCore

/// `--redis`: budgets kept in Redis, so every replica sees what an identity spent (docs/redis.md,
/// docs/budgets.md). A request's budgets are read with one `MGET` before the provider is called;
/// an answer is charged with one call of `script`, which adds to each key and lets it expire once
/// its window ended. Same deadline and failure modes as the shared rate limits: when Redis fails,
/// FailOpen decides with the replica's own `BudgetStore` (and charges it), FailClosed answers 503.
final class SharedBudgets: Sendable {
    /// KEYS: one per budget; ARGV: per key, the amount and the Unix second the key expires at.
    static let script = """
    for i, key in ipairs(KEYS) do
      redis.call('INCRBY', key, ARGV[2 * i - 1])
      redis.call('EXPIREAT', key, ARGV[2 * i])
    end
    return #KEYS
    """
    static let scriptHash = Hex.lowercase(Insecure.SHA1.hash(data: Array(script.utf8)))
    /// Seconds a window's key outlives the window: an answer that ends just after still finds it.
    static let expiryMargin: Int64 = 3600

    let client: RedisClient
    private let failedCharges = Counter(label: "gwrun_budget_charge_failures_total")

    init(client: RedisClient) { self.client = client }

    /// A budget's key in Redis (one hash tag: a request's keys stay in one Cluster slot).
    static func redisKey(_ key: String) -> String { "gwrun:{budget}:\(key)" }

    /// What each key's identity spent so far, in order; fails when Redis does (deadline included).
    func spent(_ keys: [String], on loop: any EventLoop) -> EventLoopFuture<[Int64]> {
        client.call(["MGET"] + keys.map(Self.redisKey), on: loop).flatMapThrowing { reply in
            guard case .array(let values?) = reply, values.count == keys.count else { throw RedisConnectionStateMachine.Failure.server("MGET answered something else than \(keys.count) values") }
            return values.map { $0.integer ?? 0 }
        }
    }

    /// Adds each amount to its key; where Redis cannot take it, `fallback` charges the local store.
    func charge(_ charges: [(key: String, amount: Int64, windowEnd: Int64)], on loop: any EventLoop, fallback: @escaping @Sendable () -> Void) {
        guard !charges.isEmpty else { return }
        let arguments = charges.flatMap { [String($0.amount), String($0.windowEnd + Self.expiryMargin)] }
        client.call(["EVALSHA", Self.scriptHash, String(charges.count)] + charges.map { Self.redisKey($0.key) } + arguments, on: loop).whenFailure { error in
            self.failedCharges.increment()
            self.client.reloadIfFlushed(error, script: Self.script, on: loop)
            fallback()
        }
    }
}
