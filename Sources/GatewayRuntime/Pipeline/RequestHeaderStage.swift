import GatewayIR

/// The headers that go upstream: the client's without hop-by-hop ones and without the header an
/// authentication policy read the client's credential from, with gwrun's `x-request-id` when it
/// made one, then the rule's RequestHeaderModifier
/// filters in order, then a policy's `headerModifiers.request`.
struct RequestHeaderStage: RequestStage {
    var name: String { "request headers" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        let credentials = context.credentialHeaders, replacesID = context.requestIDGenerated
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(context.request.headers.count + 1)  // one allocation, the id included
        for header in context.request.headers
        where !HeaderName.isHopByHop(header.name) && !credentials.contains(where: { HeaderName.matches(header.name, $0) })
            && !(replacesID && HeaderName.matches(header.name, "x-request-id")) {
            headers.append(header)
        }
        if replacesID { headers.append(("x-request-id", context.record.requestID)) }
        if let rule = context.rule {
            for filter in processor.table.filters(ofRule: rule, kind: .requestHeaderModifier) { processor.table.applyHeaderModifier(filter: filter, to: &headers) }
        }
        // The chosen backendRef's own filters, then a policy's `headerModifiers.request`.
        var responseOps = context.policies?.responseHeaderOps ?? []
        if let ref = context.backendRef, !processor.table.backendRef(ref).filters.isEmpty {
            for filter in processor.table.filters(ofBackendRef: ref, kind: .requestHeaderModifier) { processor.table.applyHeaderModifier(filter: filter, to: &headers) }
            responseOps += processor.table.filters(ofBackendRef: ref, kind: .responseHeaderModifier).map { processor.table.headerOps(ofFilter: $0) }
        }
        for ops in context.policies?.requestHeaderOps ?? [] { processor.table.applyHeaderOps(ops, to: &headers) }
        context.record.responseHeaderOps = responseOps
        context.headers = headers
        return .next
    }
}
