/// Starts the request's server span when gwrun exports traces (`--otlp-endpoint`), before the
/// route stage so that a 404 is traced too (the span is named after its route when it ends); the client span of each upstream call
/// is started where the call is made (`UpstreamStage`, the AI exchange), and both end with the
/// answer (`GatewayConnectionHandler.complete`).
struct TraceStage: RequestStage {
    var name: String { "trace" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        if let tracer = processor.tracer { context.record.trace = tracer.start(context.request, random: context.random) }
        return .next
    }
}
