import Foundation
import GatewayIR

/// One limit of a Budget, ready to enforce (docs/budgets.md): what it counts, per identity and
/// calendar window, and what an answer costs. Built once per table; the amounts spent live in
/// `BudgetStore` (or Redis), keyed by `key(identity:at:)`, so a reload keeps them.
final class BudgetLimit: Sendable {
    /// The policy (`namespace/name`) and the limit's place in it.
    let policy: String
    let ordinal: Int
    let window: Budget.Window
    let countsCost: Bool
    /// Tokens, or cost in millionths of millionths of the currency (a price is in millionths per
    /// million tokens, so a token's cost is a whole number of these).
    let limit: Int64
    /// The limit as the manifest wrote it, for messages.
    let limitText: String
    private let calendar: BudgetCalendar
    private let prices: [String: (input: Int64, output: Int64)]
    private let defaultPrice: (input: Int64, output: Int64)?

    init(_ record: RouteTable.PolicyRecord, ordinal: Int) {
        policy = record.name
        self.ordinal = ordinal
        window = record.budgetWindow
        countsCost = record.budgetCountsCost
        let amount = record.budgetLimit
        limit = countsCost ? amount.multipliedReportingOverflow(by: 1_000_000).overflow ? .max : amount * 1_000_000 : amount
        limitText = countsCost ? "cost \(Budget.amountText(micros: amount))" : "\(amount) tokens"
        // gwc lint refuses unknown zones; one this system lacks falls back to UTC (`PolicyRuntime` warns).
        calendar = BudgetCalendar(zone: record.budgetTimeZone) ?? .utcFallback
        var prices: [String: (input: Int64, output: Int64)] = [:]
        for price in record.budgetPrices where prices[price.model] == nil { prices[price.model] = (price.input, price.output) }
        defaultPrice = prices.removeValue(forKey: "*")
        self.prices = prices
    }

    /// Where the identity's spending in the window holding `date` is kept, and when that window ends
    /// (seconds since 1970). Identities are `method:subject`, or `anonymous`.
    func key(identity: String, at date: Date) -> (key: String, windowEnd: Int64) {
        let (start, end) = calendar.window(window, containing: date)
        return ("\(policy)#\(ordinal):\(window.rawValue):\(start):\(identity)", end)
    }

    /// What an answer spends of this limit: its tokens, or their cost at the model's price
    /// (the model the provider named, else the one asked for, else the `*` price).
    func amount(inputTokens: Int, outputTokens: Int, model: String?, requestedModel: String?) -> Int64 {
        guard countsCost else { return Int64(max(0, inputTokens) + max(0, outputTokens)) }
        guard let price = model.flatMap({ prices[$0] }) ?? requestedModel.flatMap({ prices[$0] }) ?? defaultPrice else { return 0 }
        let (input, inputOverflow) = Int64(max(0, inputTokens)).multipliedReportingOverflow(by: price.input)
        let (output, outputOverflow) = Int64(max(0, outputTokens)).multipliedReportingOverflow(by: price.output)
        let (sum, sumOverflow) = input.addingReportingOverflow(output)
        return inputOverflow || outputOverflow || sumOverflow ? .max : sum
    }

    /// `1000 tokens per day (budget ns/name)`.
    var summary: String { "\(limitText) per \(window.rawValue.lowercased()) (budget \(policy))" }
}
