import GatewayIR
import Instrumentation
import Tracing

/// Decides whether a request is traced and starts its server span (`--otlp-endpoint`). A request
/// with a well-formed `traceparent` whose sampled flag is set continues that trace (with
/// `clientRatio`, 1 by default: always); one whose flag is clear is not traced; one without is
/// traced with `rootRatio` (`--otlp-sampling-ratio`). An untraced request's headers go upstream
/// as the client sent them. swift-otel itself samples parent-based, always on: the decision is
/// made here, from the request's own random draw, so that it is a pure function tests can reach.
public struct RequestTracer: Sendable {
    let tracer: any Tracer
    let rootRatio: Double
    let clientRatio: Double

    public init(tracer: any Tracer, rootRatio: Double, clientRatio: Double = 1) {
        self.tracer = tracer
        self.rootRatio = rootRatio
        self.clientRatio = clientRatio
    }

    /// Whether to trace a request with this `traceparent` (nil: none or malformed) and this random draw.
    static func traces(traceparent: String?, random: UInt64, rootRatio: Double, clientRatio: Double) -> Bool {
        // A draw of its own: the request's random value also chose its backend and made its id.
        var generator = SplitMix64(seed: random ^ 0x7ACE_5A3F_1E0D_2C4B)
        let draw = Double(generator.next() >> 11) / Double(1 << 53)
        guard let value = traceparent, let parent = TraceParent(value) else { return draw < rootRatio }
        return parent.sampled && draw < clientRatio
    }

    func start(_ request: IncomingRequest, random: UInt64) -> RequestTrace? {
        guard Self.traces(traceparent: request.header("traceparent"), random: random, rootRatio: rootRatio, clientRatio: clientRatio) else { return nil }
        var parent = InstrumentationContext.topLevel
        tracer.extract(request.headers, into: &parent, using: HeaderExtractor())
        let span = tracer.startSpan(request.method, context: parent, ofKind: .server)
        span.attributes["http.request.method"] = request.method
        span.attributes["url.path"] = request.path
        if let peer = request.peer { span.attributes["client.address"] = peer }
        span.attributes["server.port"] = request.listenerPort
        return RequestTrace(tracer: tracer, server: span)
    }
}
