import Dispatch
import NIOConcurrencyHelpers

/// Failover between a backend's providers (`ai.groups`): which provider a request tries first
/// and which next, from what earlier requests saw. Shared by every connection. Groups are tried
/// in priority order; within a group the first pick is the better of two random providers by
/// requests in flight (power of two choices), the others follow by the same measure. A provider
/// that failed (no connection, 5xx, 429) is avoided for a backoff that doubles with each
/// consecutive failure (1 s to 30 s), or for the `retry-after` it sent (at most 300 s); avoided
/// providers are still tried, after every other one, so a request is never refused for want of
/// a healthy provider. A success ends the backoff. The clock and the random draw are injected.
public final class ProviderHealth: Sendable {
    struct State {
        var inFlight = 0
        var failures = 0
        var avoidedUntil: UInt64 = 0
    }

    /// Keyed by backend and the provider's place in it, so that a reload keeps the history.
    private let states = NIOLockedValueBox<[String: State]>([:])
    private let now: @Sendable () -> UInt64
    private let random: @Sendable (Int) -> Int

    public static let maxBackoffSeconds = 30.0, maxRetryAfterSeconds = 300.0

    /// `now` in nanoseconds (monotonic); `random(n)` in 0..<n.
    public init(now: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }, random: @escaping @Sendable (Int) -> Int = { Int.random(in: 0..<$0) }) {
        self.now = now
        self.random = random
    }

    /// The order to try `candidates` (key and priority group each) in, as indices into them.
    public func order(_ candidates: [(key: String, group: Int)]) -> [Int] {
        let time = now()
        let snapshot = states.withLockedValue { states in candidates.map { states[$0.key] ?? State() } }
        var healthy: [Int: [(index: Int, load: Int)]] = [:], avoided: [(index: Int, group: Int, until: UInt64)] = []
        for (index, state) in snapshot.enumerated() {
            let group = candidates[index].group
            if state.avoidedUntil > time { avoided.append((index, group, state.avoidedUntil)) } else { healthy[group, default: []].append((index, state.inFlight)) }
        }
        var order: [Int] = []
        for group in healthy.keys.sorted() {
            var members = healthy[group] ?? []
            if members.count >= 2 {
                // Two random distinct picks; the less loaded one goes first.
                let first = random(members.count)
                var second = random(members.count - 1)
                if second >= first { second += 1 }
                let pick = members[first].load <= members[second].load ? first : second
                order.append(members.remove(at: pick).index)
            }
            order += members.sorted { $0.load < $1.load }.map(\.index)
        }
        // Avoided ones last: by group, then the soonest to recover first.
        order += avoided.sorted { ($0.group, $0.until) < ($1.group, $1.until) }.map(\.index)
        return order
    }

    public func begin(_ key: String) { states.withLockedValue { $0[key, default: State()].inFlight += 1 } }
    public func end(_ key: String) { states.withLockedValue { $0[key, default: State()].inFlight -= 1 } }

    public func succeeded(_ key: String) {
        states.withLockedValue { states in
            states[key, default: State()].failures = 0
            states[key, default: State()].avoidedUntil = 0
        }
    }

    /// A failure; `retryAfter` (seconds, the provider's `retry-after`) replaces the backoff.
    public func failed(_ key: String, retryAfter: Double? = nil) {
        let time = now()
        states.withLockedValue { states in
            var state = states[key] ?? State()
            state.failures += 1
            let seconds = retryAfter.map { min(max($0, 0), Self.maxRetryAfterSeconds) } ?? Self.backoff(failures: state.failures)
            state.avoidedUntil = time + UInt64(seconds * 1_000_000_000)
            states[key] = state
        }
    }

    /// 1 s after the first consecutive failure, doubling, at most 30 s.
    static func backoff(failures: Int) -> Double { min(Self.maxBackoffSeconds, Double(1 << min(max(failures - 1, 0), 10))) }

    /// Whether `key` is being avoided now, and its consecutive failures (for `/readyz` and tests).
    public func status(_ key: String) -> (avoided: Bool, failures: Int, inFlight: Int) {
        let time = now()
        return states.withLockedValue { states in
            let state = states[key] ?? State()
            return (state.avoidedUntil > time, state.failures, state.inFlight)
        }
    }
}
