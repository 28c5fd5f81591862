import GatewayIR

/// gwc's own `Budget` kind (docs/budgets.md). The schema has checked the shape; `BudgetChecker`
/// checks the values.
extension ManifestDecoder {
    func decodeBudget(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> Budget {
        let spec = root["spec"]
        let targets = decodeTargetRefs(spec, reader: reader)
        let limits = reader.items(spec, "limits").map { node in
            Budget.Limit(window: reader.string(node, "window") ?? "", tokens: reader.int(node, "tokens"), cost: reader.string(node, "cost"), location: reader.location(node))
        }
        let prices = reader.items(spec, "prices").map { node in
            Budget.Price(
                model: reader.string(node, "model") ?? "", input: reader.string(node, "input") ?? "", output: reader.string(node, "output") ?? "",
                location: reader.location(node))
        }
        return Budget(
            meta: meta, targetRefs: targets, timeZone: reader.string(spec, "timeZone") ?? "UTC",
            timeZoneLocation: spec?["timeZone"].map { reader.location($0) }, limits: limits, prices: prices)
    }
}
