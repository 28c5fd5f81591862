import NIOConcurrencyHelpers

/// The buckets of every rate limit, kept across table reloads: a bucket is found again by its
/// policy, its place in the policy and its settings, so a reload that leaves a limit unchanged
/// keeps its state, and one that changes it starts a full bucket. Buckets no table uses any more
/// are dropped at the next reload.
public final class RateLimitStore: Sendable {
    private let buckets = NIOLockedValueBox<[String: RateLimitBucket]>([:])

    public init() {}

    func bucket(key: String, make: () -> RateLimitBucket) -> RateLimitBucket {
        buckets.withLockedValue { buckets in
            if let existing = buckets[key] { return existing }
            let bucket = make()
            buckets[key] = bucket
            return bucket
        }
    }

    /// Keeps only the buckets of these keys (the table just loaded).
    func retain(_ keys: Set<String>) {
        buckets.withLockedValue { buckets in buckets = buckets.filter { keys.contains($0.key) } }
    }

    var count: Int { buckets.withLockedValue { $0.count } }
}
