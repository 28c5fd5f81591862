import Foundation
import Metrics
import NIOCore
import NIOPosix

/// Budgets (docs/budgets.md): after authentication and rate limits, every Budget limit of the
/// rule must have room for the client's identity in the current window; the first that is spent
/// answers 429 in OpenAI's error shape with the window's end (`retry-after`, `x-budget-reset`).
/// The request then carries its budgets' keys, and `RequestPipeline.answered` charges the
/// answer's tokens or cost to them. With `--redis` the amounts are Redis' (one MGET here), and
/// when Redis fails, FailOpen decides with the replica's own store and FailClosed answers 503.
struct BudgetStage: RequestStage {
    var name: String { "budget" }
    /// Wall-clock time: windows are calendar days, weeks and months. Tests pass their own.
    var now: @Sendable () -> Date = { Date() }

    private static let refusals = Counter(label: "gwrun_budget_refusals_total")

    /// `method:subject` of the authenticated client; clients no policy named share `anonymous`.
    static func identity(_ identity: ClientIdentity?) -> String { identity.map { "\($0.method.rawValue):\($0.subject)" } ?? "anonymous" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let policies = context.policies, !policies.budgets.isEmpty else { return .next }
        let date = now()
        let identity = Self.identity(context.identity)
        let charges = policies.budgets.map { limit in
            let (key, end) = limit.key(identity: identity, at: date)
            return BudgetCharge(limit: limit, key: key, windowEnd: end)
        }
        context.record.budgetCharges = charges
        if let shared = processor.sharedLimits, let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            return .wait(shared.budgets.spent(charges.map(\.key), on: loop).map { spent -> Result<[Int64], any Error> in .success(spent) }
                .recover { .failure($0) }
                .map { outcome in
                    { context, processor in
                        switch outcome {
                        case .success(let spent): return Self.decide(charges, spent: spent, identity, date, &context, processor)
                        case .failure(let error): return Self.unavailable(error, charges, shared.failureMode, identity, date, &context, processor)
                        }
                    }
                })
        }
        return Self.decide(charges, spent: charges.map { processor.budgets.spent($0.key) }, identity, date, &context, processor)
    }

    private static func unavailable(
        _ error: any Error, _ charges: [BudgetCharge], _ mode: SharedRateLimits.FailureMode, _ identity: String, _ date: Date, _ context: inout RequestContext, _ processor: RequestProcessor
    ) -> StageResult {
        switch mode {
        case .failOpen:
            processor.sharedLimits?.countFallback()
            context.record.verdicts.append(.init(stage: "budget", policy: "", verdict: "shared budgets unavailable (\(error)): this replica's amounts decided"))
            return decide(charges, spent: charges.map { processor.budgets.spent($0.key) }, identity, date, &context, processor)
        case .failClosed:
            processor.sharedLimits?.countClosedRefusal()
            context.record.budgetCharges = []
            context.record.error = "shared budgets unavailable: \(error)"
            context.record.verdicts.append(.init(stage: "budget", policy: "", verdict: "refused: shared budgets unavailable (FailClosed)"))
            context.record.audited = true
            return .answer(PolicyAnswer.refusal(503, "budgets cannot be checked (the shared store is unavailable); retry shortly", type: "requests", code: "budget_unavailable", context: context, processor: processor))
        }
    }

    private static func decide(_ charges: [BudgetCharge], spent: [Int64], _ identity: String, _ date: Date, _ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        for (charge, spent) in zip(charges, spent) where spent >= charge.limit.limit {
            refusals.increment()
            let reset = Date(timeIntervalSince1970: TimeInterval(charge.windowEnd))
            let resetText = reset.formatted(.iso8601)
            let seconds = max(1, charge.windowEnd - Int64(date.timeIntervalSince1970.rounded(.down)))
            context.record.budgetCharges = []
            context.record.error = "budget spent: \(charge.limit.summary) for \(identity)"
            context.record.verdicts.append(.init(stage: "budget", policy: charge.limit.policy, verdict: "refused: \(charge.limit.summary) spent by \(identity), resets \(resetText)"))
            context.record.audited = true
            var response = PolicyAnswer.refusal(
                429, "budget exceeded: \(charge.limit.summary) for \(identity) is spent; it resets at \(resetText)",
                type: charge.limit.countsCost ? "cost" : "tokens", code: "budget_exceeded", context: context, processor: processor)
            response.headers += [("retry-after", String(seconds)), ("x-budget-reset", resetText)]
            return .answer(response)
        }
        return .next
    }
}

/// Where an admitted request's answer is charged: a budget limit's key for the identity and window.
struct BudgetCharge: Sendable {
    let limit: BudgetLimit
    let key: String
    /// Seconds since 1970.
    let windowEnd: Int64
}
