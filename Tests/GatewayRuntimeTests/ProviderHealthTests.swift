import Synchronization
import Testing

@testable import GatewayRuntime

/// Failover's choice of provider, with a mock clock and random draw: groups in priority order,
/// power of two choices within a group, backoff after failures, retry-after, recovery.
@Suite("Provider health and failover order")
struct ProviderHealthTests {
    final class Clock: Sendable {
        let nanoseconds = Atomic<UInt64>(1_000_000_000)
        func advance(seconds: Double) { nanoseconds.add(UInt64(seconds * 1e9), ordering: .relaxed) }
    }

    let clock = Clock()
    /// Draws 0 first, then 0 again (so picks are members 0 and 1).
    func health(draws: [Int] = [0, 0]) -> ProviderHealth {
        let sequence = Mutex(draws)
        return ProviderHealth(now: { [clock] in clock.nanoseconds.load(ordering: .relaxed) }, random: { bound in
            sequence.withLock { draws in draws.isEmpty ? 0 : min(draws.removeFirst(), bound - 1) }
        })
    }

    /// The keys in the order `health` gives.
    func keys(_ health: ProviderHealth, _ candidates: [(key: String, group: Int)]) -> [String] { health.order(candidates).map { candidates[$0].key } }

    @Test func groupsGoInPriorityOrder() {
        #expect(keys(health(), [("b", 1), ("a", 0), ("c", 2)]) == ["a", "b", "c"])
    }

    @Test func withinAGroupTheLessLoadedOfTwoRandomPicksGoesFirst() {
        let health = health(draws: [0, 0])  // picks "x" and "y"
        health.begin("x"); health.begin("x")
        health.begin("y")
        #expect(keys(health, [("x", 0), ("y", 0), ("z", 0)]) == ["y", "z", "x"])
        health.end("x"); health.end("x")
        #expect(health.status("x").inFlight == 0)
    }

    @Test func aFailedProviderIsAvoidedForABackoffThatDoubles() {
        let health = health()
        let candidates = [(key: "primary", group: 0), (key: "fallback", group: 1)]
        health.failed("primary")
        #expect(keys(health, candidates) == ["fallback", "primary"])  // avoided ones last, never dropped
        clock.advance(seconds: 1.1)
        #expect(keys(health, candidates) == ["primary", "fallback"])
        health.failed("primary")  // second in a row: 2 s
        clock.advance(seconds: 1.5)
        #expect(health.status("primary").avoided)
        clock.advance(seconds: 0.6)
        #expect(!health.status("primary").avoided && health.status("primary").failures == 2)
        #expect(ProviderHealth.backoff(failures: 3) == 4 && ProviderHealth.backoff(failures: 40) == ProviderHealth.maxBackoffSeconds)
    }

    @Test func retryAfterReplacesTheBackoffAndASuccessForgetsTheFailures() {
        let health = health()
        health.failed("primary", retryAfter: 10)
        clock.advance(seconds: 9)
        #expect(health.status("primary").avoided)
        clock.advance(seconds: 1.5)
        #expect(!health.status("primary").avoided)
        health.failed("primary", retryAfter: 100_000)
        clock.advance(seconds: ProviderHealth.maxRetryAfterSeconds + 1)
        #expect(!health.status("primary").avoided)  // capped
        health.succeeded("primary")
        #expect(health.status("primary").failures == 0)
    }

    @Test func aFailoverMovesOnlyOnFailuresTheNextProviderMayNotShare() {
        #expect(AIExchange.isProviderFailure(502) && AIExchange.isProviderFailure(503) && AIExchange.isProviderFailure(429) && AIExchange.isProviderFailure(500))
        #expect(!AIExchange.isProviderFailure(504) && !AIExchange.isProviderFailure(400) && !AIExchange.isProviderFailure(403) && !AIExchange.isProviderFailure(200))
    }
}
