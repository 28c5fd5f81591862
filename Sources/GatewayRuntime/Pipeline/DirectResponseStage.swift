/// `traffic.directResponse`: the gateway answers with the policy's status, body and headers, after
/// authentication and rate limits; the backend is not called.
struct DirectResponseStage: RequestStage {
    var name: String { "direct response" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let answer = context.policies?.directResponse else { return .next }
        return .answer(answer)
    }
}
