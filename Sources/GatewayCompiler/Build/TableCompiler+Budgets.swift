import GatewayIR

/// Budgets as policy records, one per limit (docs/table-format.md): gwrun applies every one
/// attached to a rule. A limit gwc lint refuses (GW403, GW424) is left out: `gwc build` does
/// not write a table with errors, so this only matters to `gwc route` on a broken input.
extension TableCompiler {
    mutating func compileBudgets() {
        for budget in result.resources.budgets.sorted(by: { $0.key < $1.key }) {
            let name = model.intern("\(budget.meta.namespace)/\(budget.meta.name)")
            var prices: [String] = []
            for price in budget.prices {
                guard let input = Budget.micros(price.input), let output = Budget.micros(price.output) else { continue }
                prices += [price.model, String(input), String(output)]
            }
            let priceList = appendList(prices)
            var records: [UInt32] = []
            for limit in budget.limits {
                let window: UInt32 = switch Budget.Window(rawValue: limit.window) {
                case .week?: 1
                case .month?: 2
                default: 0
                }
                let amount: Int64? = limit.tokens.map(Int64.init) ?? limit.cost.flatMap(Budget.micros)
                guard let amount, amount > 0, (limit.tokens == nil) != (limit.cost == nil) else { continue }
                records.append(model.append(.policies, fields: [
                    Field.Policy.kind: PolicyKind.budget.rawValue, Field.Policy.name: name, Field.Policy.Budget.window: window,
                    Field.Policy.Budget.measure: limit.cost == nil ? 0 : 1, Field.Policy.Budget.limit: model.intern(String(amount)),
                    Field.Policy.Budget.timeZone: model.intern(budget.timeZone),
                    Field.Policy.Budget.firstPrice: priceList.first, Field.Policy.Budget.priceCount: priceList.count,
                ]))
            }
            policyIndex[budget.key] = records
        }
    }
}
