import NIOCore

/// One named step of the request pipeline (`RequestPipeline`). A stage reads and changes the
/// request's context, or answers it early (a redirect, a 404, and with the policy stages to come,
/// 401, 403, 429). Stages are values with no state of their own: everything a request carries
/// is in its `RequestContext`.
protocol RequestStage: Sendable {
    var name: String { get }
    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult
}

enum StageResult {
    case next
    case answer(GatewayResponse)
    /// The stage needs an answer from elsewhere first (shared rate limits in Redis): the pipeline
    /// stops, and goes on when the future brings what the stage decides then.
    case wait(EventLoopFuture<Resume>)

    typealias Resume = @Sendable (inout RequestContext, RequestProcessor) -> StageResult
}

/// A step that sees a request's answer before it goes out (buffered answers, and the head of
/// streamed and proxied ones), with the request's record (what its request stages decided).
protocol ResponseStage: Sendable {
    var name: String { get }
    /// Whether the stage changes this request's answer (a proxied answer's head is rewritten only then).
    func applies(rule: Int?, record: AccessRecord, _ processor: RequestProcessor) -> Bool
    func observe(_ headers: inout [(name: String, value: String)], status: Int, rule: Int?, record: AccessRecord, _ processor: RequestProcessor)
}
