import NIOConcurrencyHelpers

/// What each identity spent of each budget in its current window, in this process: the budgets'
/// state without `--redis`, and with it while Redis cannot be reached (FailOpen). Kept across
/// table reloads (the keys name the budget, its limit's place and the window); a window's entries
/// are dropped once it ended.
public final class BudgetStore: Sendable {
    private struct Entry {
        var spent: Int64
        /// Seconds since 1970 when the window ends.
        var windowEnd: Int64
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    /// Spent so far in the window of `key` (0 for a window not seen yet).
    func spent(_ key: String) -> Int64 { entries.withLockedValue { $0[key]?.spent ?? 0 } }

    /// Adds `amount` to the window of `key`, ending at `windowEnd`; windows ended before `now` go.
    func charge(_ key: String, _ amount: Int64, windowEnd: Int64, now: Int64) {
        guard amount > 0 else { return }
        entries.withLockedValue { entries in
            var entry = entries[key] ?? Entry(spent: 0, windowEnd: windowEnd)
            let (sum, overflow) = entry.spent.addingReportingOverflow(amount)
            entry.spent = overflow ? .max : sum
            entries[key] = entry
            // An identity's first charge in a new window is when old windows may have ended.
            if entry.spent == amount { entries = entries.filter { $0.value.windowEnd > now } }
        }
    }

    var count: Int { entries.withLockedValue { $0.count } }
}
