/// CORS, first of the policy stages: a browser's preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) carries no credential, so it is answered here, before
/// authentication; a cross-origin request goes on, its answer marked with the CORS headers.
struct CORSStage: RequestStage {
    var name: String { "cors" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let cors = context.policies?.cors, let origin = context.request.header("origin") else { return .next }
        if context.request.method == "OPTIONS", let method = context.request.header("access-control-request-method") {
            return .answer(cors.preflight(origin: origin, method: method, headers: context.request.header("access-control-request-headers")))
        }
        context.record.answerHeaders += cors.answerHeaders(origin: origin)
        return .next
    }
}
