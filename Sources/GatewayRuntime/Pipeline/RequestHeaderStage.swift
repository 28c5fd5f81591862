import GatewayIR

/// The headers that go upstream: the client's without hop-by-hop ones and without the header an
/// authentication policy read the client's credential from, then the rule's RequestHeaderModifier
/// filters in order, then a policy's `headerModifiers.request`.
struct RequestHeaderStage: RequestStage {
    var name: String { "request headers" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        let credentials = context.credentialHeaders
        var headers = context.request.headers.filter { header in
            !HeaderName.isHopByHop(header.name) && !credentials.contains { HeaderName.matches(header.name, $0) }
        }
        if let rule = context.rule {
            for filter in processor.table.filters(ofRule: rule, kind: .requestHeaderModifier) { processor.table.applyHeaderModifier(filter: filter, to: &headers) }
        }
        // A policy's `headerModifiers.request`, after the rule's own filters.
        for ops in context.policies?.requestHeaderOps ?? [] { processor.table.applyHeaderOps(ops, to: &headers) }
        context.record.responseHeaderOps = context.policies?.responseHeaderOps ?? []
        context.headers = headers
        return .next
    }
}
