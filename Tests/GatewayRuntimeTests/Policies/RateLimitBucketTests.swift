@testable import GatewayRuntime
import Testing

/// The token bucket with a clock the test moves (nanoseconds), no sleeping.
@Suite("Rate-limit buckets")
struct RateLimitBucketTests {
    static let second: UInt64 = 1_000_000_000

    @Test func requestsPassUpToLimitPlusBurstThenWaitForTheNextUnit() {
        let bucket = RateLimitBucket(unit: .requests, limit: 3, burst: 2, intervalSeconds: 60, now: 0, summary: "")
        let allowed = (0..<5).map { _ in bucket.admit(now: 10 * Self.second).allowed }
        #expect(allowed == [true, true, true, true, true])
        let refused = bucket.admit(now: 10 * Self.second)
        #expect(!refused.allowed && refused.remaining == 0 && refused.limit == 3 && refused.resetSeconds == 50)
        // At the end of the unit `limit` tokens come back (not the burst).
        let refilled = (0..<4).map { _ in bucket.admit(now: 60 * Self.second).allowed }
        #expect(refilled == [true, true, true, false])
        // Two units later the bucket is full again, never above its capacity.
        let full = (0..<6).map { _ in bucket.admit(now: 300 * Self.second).allowed }
        #expect(full == [true, true, true, true, true, false])
    }

    @Test func remainingCountsDown() {
        let bucket = RateLimitBucket(unit: .requests, limit: 2, burst: 0, intervalSeconds: 1, now: 0, summary: "")
        #expect(bucket.admit(now: 0).remaining == 1)
        #expect(bucket.admit(now: 0).remaining == 0)
        #expect(!bucket.admit(now: Self.second / 2).allowed)
        #expect(bucket.admit(now: Self.second).allowed)
    }

    @Test func tokenLimitsAdmitWhileAboveZeroAndCarryDebt() {
        let bucket = RateLimitBucket(unit: .tokens, limit: 100, burst: 0, intervalSeconds: 3600, now: 0, summary: "")
        #expect(bucket.admit(now: 0).allowed)
        bucket.charge(80, now: 1)
        #expect(bucket.admit(now: 2).allowed)  // 20 left: admitted, the answer may cross the limit
        bucket.charge(150, now: 3)  // 130 over
        #expect(!bucket.admit(now: 4).allowed)
        // One refill (100) does not pay the debt (-130 + 100 = -30); the second does.
        #expect(!bucket.admit(now: 3600 * Self.second).allowed)
        #expect(bucket.admit(now: 7200 * Self.second).allowed)
    }

    @Test func debtIsBoundedByTheCapacity() {
        let bucket = RateLimitBucket(unit: .tokens, limit: 10, burst: 0, intervalSeconds: 1, now: 0, summary: "")
        bucket.charge(1_000_000, now: 0)
        // At most one capacity of debt: two refills bring it above zero.
        #expect(!bucket.admit(now: Self.second).allowed)
        #expect(bucket.admit(now: 2 * Self.second).allowed)
    }
}
