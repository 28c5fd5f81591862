import Instrumentation
import NIOConcurrencyHelpers
import Tracing

/// One traced request: its server span, and the client span of the upstream call under way (a
/// retry ends the failed call's span and starts its own). The request's record carries it to
/// the end of the answer, where `finish` names the spans and adds what the record learned
/// (route, backend, GenAI model and tokens, status). The AI exchange runs on the concurrency
/// pool and the answer ends on the connection's loop, one after the other: the lock only makes
/// that hand-over safe.
final class RequestTrace: Sendable {
    let tracer: any Tracer
    let server: any Span
    private let upstream = NIOLockedValueBox<(any Span)?>(nil)

    init(tracer: any Tracer, server: any Span) {
        self.tracer = tracer
        self.server = server
    }

    /// Starts the client span of an upstream call and writes its `traceparent` (and the trace's
    /// `tracestate`) into `headers`; GenAI calls are named `operation model` as the conventions say.
    func startUpstream(host: String, port: Int, genAI: (operation: String, provider: String, model: String?)?, into headers: inout [(name: String, value: String)]) {
        let name = genAI.map { [$0.operation, $0.model ?? ""].filter { !$0.isEmpty }.joined(separator: " ") } ?? server.operationName
        let span = tracer.startSpan(name, context: server.context, ofKind: .client)
        if span.isRecording {
            span.attributes["server.address"] = host
            span.attributes["server.port"] = port
            if let genAI {
                span.attributes["gen_ai.operation.name"] = genAI.operation
                span.attributes["gen_ai.provider.name"] = genAI.provider
                if let model = genAI.model { span.attributes["gen_ai.request.model"] = model }
            }
        }
        // The injector replaces what it writes; a client's tracestate must go even when the trace has none.
        headers.removeAll { HeaderName.matches($0.name, "tracestate") }
        tracer.inject(span.context, into: &headers, using: HeaderInjector())
        let previous = upstream.withLockedValue { current in
            defer { current = span }
            return current
        }
        previous?.end()
    }

    /// The upstream call failed before an answer (connect error, timeout).
    func upstreamFailed(_ error: String) {
        guard let span = upstream.withLockedValue({ $0 }) else { return }
        span.attributes["error.type"] = error.contains("timeout") ? "timeout" : "upstream_failure"
        span.setStatus(SpanStatus(code: .error, message: error))
    }

    /// Ends both spans at the answer's last byte, with what the request's record holds.
    func finish(status: Int, record: AccessRecord) {
        let client = upstream.withLockedValue { current in
            defer { current = nil }
            return current
        }
        if let client {
            if client.isRecording {
                if let model = record.model { client.attributes["gen_ai.response.model"] = model }
                if let tokens = record.inputTokens { client.attributes["gen_ai.usage.input_tokens"] = tokens }
                if let tokens = record.outputTokens { client.attributes["gen_ai.usage.output_tokens"] = tokens }
                if let tokens = record.cachedTokens { client.attributes["gen_ai.usage.cache_read.input_tokens"] = tokens }
            }
            client.end()
        }
        guard server.isRecording else { return server.end() }
        if let route = record.route { server.operationName = "\(server.operationName) \(route)" }
        server.attributes["http.response.status_code"] = status
        if let route = record.route { server.attributes["gwrun.route"] = route }
        if let backend = record.backend { server.attributes["gwrun.backend"] = backend }
        if !record.listener.isEmpty { server.attributes["gwrun.listener"] = record.listener }
        if !record.requestID.isEmpty { server.attributes["gwrun.request_id"] = record.requestID }
        if let agent = record.userAgent { server.attributes["user_agent.original"] = agent }
        if let provider = record.provider {
            server.attributes["gen_ai.operation.name"] = record.operation ?? "chat"
            server.attributes["gen_ai.provider.name"] = provider
            if let model = record.requestedModel { server.attributes["gen_ai.request.model"] = model }
            if let model = record.model { server.attributes["gen_ai.response.model"] = model }
            if let tokens = record.inputTokens { server.attributes["gen_ai.usage.input_tokens"] = tokens }
            if let tokens = record.outputTokens { server.attributes["gen_ai.usage.output_tokens"] = tokens }
            if let tokens = record.cachedTokens { server.attributes["gen_ai.usage.cache_read.input_tokens"] = tokens }
        }
        if status >= 500 {
            server.attributes["error.type"] = String(status)
            server.setStatus(SpanStatus(code: .error, message: record.error))
        }
        server.end()
    }
}
