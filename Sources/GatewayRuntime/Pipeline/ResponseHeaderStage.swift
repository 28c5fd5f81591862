import GatewayIR

/// The rule's ResponseHeaderModifier filters, on every answer the rule's requests get: gwrun's
/// own, a provider's and a plain upstream's.
struct ResponseHeaderStage: ResponseStage {
    var name: String { "response headers" }

    func applies(rule: Int?, record: AccessRecord, _ processor: RequestProcessor) -> Bool { rule.map { processor.hasResponseModifiers(rule: $0) } ?? false }

    func observe(_ headers: inout [(name: String, value: String)], status: Int, rule: Int?, record: AccessRecord, _ processor: RequestProcessor) {
        guard let rule else { return }
        processor.applyResponseModifiers(rule: rule, to: &headers)
    }
}
