import GatewayIR

/// A rule's URLRewrite (or the chosen backendRef's own): the path (and query) and the Host a plain
/// route's request is sent with.
struct URLRewriteStage: RequestStage {
    var name: String { "url rewrite" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let rule = context.rule, let match = context.decision?.match?.match else { return .next }
        let rewrite = processor.table.urlRewrite(rule: rule, match: match, path: context.request.path, backendRef: context.backendRef)
        if let path = rewrite.path { context.target = context.request.query.isEmpty ? path : path + "?" + context.request.query }
        context.hostRewrite = rewrite.host
        return .next
    }
}
