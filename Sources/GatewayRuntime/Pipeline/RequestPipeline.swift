import Dispatch
import Foundation
import NIOCore
import NIOPosix

/// The order a request's stages run in (docs/runtime.md draws it, docs/policies.md explains the
/// policy stages): the request id, the trace, the route, CORS, client authentication, rate limits, budgets, a direct response, the upstream request's headers
/// and URL, and the upstream exchange; every answer passes the response stages before it goes
/// out, and `answered` settles what depends on the whole answer (token limits). Prompt guards and
/// an AI route's retries act inside the AI exchange, which parses the body and calls the provider;
/// the rule's policies reach it with the request's record.
enum RequestPipeline {
    static let requestStages: [any RequestStage] = [RequestIDStage(), TraceStage(), RouteStage(), CORSStage(), AuthenticationStage(), RateLimitStage(), BudgetStage(), DirectResponseStage(), RequestHeaderStage(), URLRewriteStage(), MirrorStage()]
    static let upstream = UpstreamStage()
    static let responseStages: [any ResponseStage] = [AnswerHeaderStage(), ResponseHeaderStage()]

    /// Whether any response stage changes this request's answer.
    static func observesResponses(rule: Int?, record: AccessRecord, processor: RequestProcessor) -> Bool {
        responseStages.contains { $0.applies(rule: rule, record: record, processor) }
    }

    /// Runs the response stages on an answer's headers.
    static func observe(_ headers: inout [(name: String, value: String)], status: Int, rule: Int?, record: AccessRecord, processor: RequestProcessor) {
        for stage in responseStages { stage.observe(&headers, status: status, rule: rule, record: record, processor) }
        if !record.requestID.isEmpty {
            headers.removeAll { HeaderName.matches($0.name, "x-request-id") }
            headers.append(("x-request-id", record.requestID))
        }
    }

    /// After the answer's last byte: token limits and budgets are charged what the provider
    /// reported (streamed answers included: the usage is read from the stream on the way).
    /// A request refused before the provider was called reports no tokens, so charges nothing.
    static func answered(
        _ record: AccessRecord, shared: SharedRateLimits? = nil, budgets: BudgetStore? = nil,
        now: @autoclosure () -> UInt64 = DispatchTime.now().uptimeNanoseconds, wallClock: @autoclosure () -> Date = Date()
    ) {
        let tokens = (record.inputTokens ?? 0) + (record.outputTokens ?? 0)
        guard tokens > 0 else { return }
        if let budgets, !record.budgetCharges.isEmpty { charge(record, budgets, shared: shared, now: Int64(wallClock().timeIntervalSince1970)) }
        guard let policies = record.policies, !policies.tokenLimits.isEmpty else { return }
        let time = now()
        if let shared, let loop = MultiThreadedEventLoopGroup.currentEventLoop { return shared.charge(policies, tokens: tokens, on: loop, now: time) }
        for bucket in policies.tokenLimits { bucket.charge(tokens, now: time) }
    }

    private static func charge(_ record: AccessRecord, _ budgets: BudgetStore, shared: SharedRateLimits?, now: Int64) {
        let charges = record.budgetCharges.map { charge in
            (key: charge.key, windowEnd: charge.windowEnd, amount: charge.limit.amount(
                inputTokens: record.inputTokens ?? 0, outputTokens: record.outputTokens ?? 0, model: record.model, requestedModel: record.requestedModel))
        }.filter { $0.amount > 0 }
        let local: @Sendable () -> Void = { for charge in charges { budgets.charge(charge.key, charge.amount, windowEnd: charge.windowEnd, now: now) } }
        guard let shared, let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return local() }
        shared.budgets.charge(charges.map { ($0.key, $0.amount, $0.windowEnd) }, on: loop, fallback: local)
    }

    /// Runs the request stages; an early answer has been through the response stages. A stage
    /// that waits (`StageResult.wait`) makes the routing `.pending`: the rest runs when it resumes.
    static func run(_ request: IncomingRequest, random: UInt64, processor: RequestProcessor, record: inout AccessRecord) -> RequestProcessor.Routing {
        var context = RequestContext(request: request, random: random)
        defer { record = context.record }
        return proceed(from: 0, &context, processor)
    }

    private static func proceed(from first: Int, _ context: inout RequestContext, _ processor: RequestProcessor) -> RequestProcessor.Routing {
        for index in first..<requestStages.count {
            switch requestStages[index].run(&context, processor) {
            case .next: continue
            case .answer(let response): return .answer(processor.finish(response, rule: context.rule, record: &context.record))
            case .wait(let future): return .pending(resume(future, at: index, context, processor))
            }
        }
        let routing = upstream.route(context, processor)
        if case .answer(let response) = routing { return .answer(processor.finish(response, rule: context.rule, record: &context.record)) }
        return routing
    }

    private static func resume(_ future: EventLoopFuture<StageResult.Resume>, at index: Int, _ context: RequestContext, _ processor: RequestProcessor) -> EventLoopFuture<RequestProcessor.Resumed> {
        future.map { decide in
            var context = context
            let routing: RequestProcessor.Routing
            switch decide(&context, processor) {
            case .next: routing = proceed(from: index + 1, &context, processor)
            case .answer(let response): routing = .answer(processor.finish(response, rule: context.rule, record: &context.record))
            case .wait(let future): routing = .pending(resume(future, at: index, context, processor))
            }
            return RequestProcessor.Resumed(routing: routing, record: context.record)
        }
    }
}
