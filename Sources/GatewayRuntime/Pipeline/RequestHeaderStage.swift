import GatewayIR

/// The headers that go upstream: the client's without hop-by-hop ones, then the rule's
/// RequestHeaderModifier filters in order.
struct RequestHeaderStage: RequestStage {
    var name: String { "request headers" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        var headers = context.request.headers.filter { !HeaderName.isHopByHop($0.name) }
        if let rule = context.rule {
            for filter in processor.table.filters(ofRule: rule, kind: .requestHeaderModifier) { processor.table.applyHeaderModifier(filter: filter, to: &headers) }
        }
        context.headers = headers
        return .next
    }
}
