import Foundation
import NIOConcurrencyHelpers
import Synchronization

/// How each backend's calls have gone lately, for `/readyz` and
/// `gwrun_upstream_consecutive_failures`: failures in a row, the last failure's time and reason.
/// A success costs one atomic load unless some backend is failing (the common case takes no lock).
public final class UpstreamHealth: Sendable {
    public struct Backend: Sendable {
        public var consecutiveFailures = 0
        public var failures = 0
        public var lastFailure: Date?
        public var lastError: String?
    }

    private let backends = NIOLockedValueBox<[String: Backend]>([:])
    private let failing = Synchronization.Atomic<Int>(0)

    public init() {}

    /// Returns the backend's failures in a row after this call.
    @discardableResult
    func failed(_ backend: String, error: String) -> Int {
        backends.withLockedValue { all in
            var entry = all[backend] ?? Backend()
            if entry.consecutiveFailures == 0 { failing.add(1, ordering: .relaxed) }
            entry.consecutiveFailures += 1
            entry.failures += 1
            entry.lastFailure = Date()
            entry.lastError = error
            all[backend] = entry
            return entry.consecutiveFailures
        }
    }

    /// True when this success ended a run of failures (the gauge then goes back to 0).
    func succeeded(_ backend: String) -> Bool {
        guard failing.load(ordering: .relaxed) > 0 else { return false }
        return backends.withLockedValue { all in
            guard var entry = all[backend], entry.consecutiveFailures > 0 else { return false }
            entry.consecutiveFailures = 0
            all[backend] = entry
            failing.subtract(1, ordering: .relaxed)
            return true
        }
    }

    public var snapshot: [String: Backend] { backends.withLockedValue { $0 } }

    /// `/readyz`'s lines: one per backend that has failed since start.
    public func report(now: Date = Date()) -> [String] {
        snapshot.sorted { $0.key < $1.key }.map { name, entry in
            let ago = entry.lastFailure.map { "\(Int(now.timeIntervalSince($0))) s ago" } ?? "never"
            return "backend \(name): \(entry.consecutiveFailures) failures in a row, \(entry.failures) since start, last \(ago) (\(entry.lastError ?? "")); not avoided: gwrun has no outlier detection yet"
        }
    }
}
