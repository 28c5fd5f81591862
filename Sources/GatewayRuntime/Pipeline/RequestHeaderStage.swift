import GatewayIR

/// The headers that go upstream: the client's without hop-by-hop ones and without the header an
/// authentication policy read the client's credential from, then the rule's RequestHeaderModifier
/// filters in order.
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
        context.headers = headers
        return .next
    }
}
