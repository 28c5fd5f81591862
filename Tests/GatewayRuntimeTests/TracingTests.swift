import Foundation
import InMemoryTracing
import Testing
import Tracing

@testable import GatewayRuntime

/// Which requests are traced, and the spans a request gets, without a collector: swift-distributed-tracing's
/// in-memory tracer stands in for swift-otel's (scripts/e2e-otel.sh checks the real one over OTLP).
@Suite("Tracing")
struct TracingTests {
    static let sampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"

    @Test func traceparentIsReadAsW3CSays() {
        #expect(TraceParent(Self.sampled)?.sampled == true)
        #expect(TraceParent(Self.unsampled)?.sampled == false)
        #expect(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09")?.sampled == true, "other flag bits do not matter")
        #expect(TraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") != nil, "a later version is read by its first fields")
        for bad in ["", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"] {
            #expect(TraceParent(bad) == nil, "\(bad)")
        }
    }

    @Test func samplingFollowsTheClientsFlagAndTheRatios() {
        let draws: [UInt64] = (0..<2000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        func share(_ traceparent: String?, root: Double, client: Double = 1) -> Double {
            Double(draws.filter { RequestTracer.traces(traceparent: traceparent, random: $0, rootRatio: root, clientRatio: client) }.count) / Double(draws.count)
        }
        #expect(share(nil, root: 1) == 1)
        #expect(share(nil, root: 0) == 0)
        #expect(abs(share(nil, root: 0.25) - 0.25) < 0.04, "about a quarter of requests without a trace")
        #expect(share(Self.sampled, root: 0) == 1, "a client's sampled trace is continued whatever the ratio")
        #expect(share(Self.unsampled, root: 1) == 0, "a client's unsampled trace is not")
        #expect(share("garbage", root: 0) == 0, "a malformed traceparent counts as none")
        #expect(abs(share(Self.sampled, root: 0, client: 0.5) - 0.5) < 0.05)
    }

    @Test func aTracedRequestEndsItsServerSpanWithTheStatus() throws {
        let tracer = InMemoryTracer()
        let harness = try ConnectionHandlerTests.Harness(tracer: RequestTracer(tracer: tracer, rootRatio: 1))
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        #expect(try harness.output().hasPrefix("HTTP/1.1 404"))
        let spans = tracer.finishedSpans
        #expect(spans.count == 1)
        let span = try #require(spans.first)
        #expect(span.operationName == "GET")
        #expect(span.kind == .server)
        #expect(span.attributes["http.response.status_code"]?.toSpanAttribute() == .int64(404))
        #expect(span.attributes["url.path"]?.toSpanAttribute() == .string("/nowhere"))
    }

    @Test func anUntracedRequestGetsNoSpan() throws {
        let tracer = InMemoryTracer()
        let harness = try ConnectionHandlerTests.Harness(tracer: RequestTracer(tracer: tracer, rootRatio: 0))
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\ntraceparent: \(Self.unsampled)\r\n\r\nGET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        #expect(try harness.output().components(separatedBy: "HTTP/1.1 404").count == 3)
        #expect(tracer.finishedSpans.isEmpty && tracer.activeSpans.isEmpty)
    }

    @Test func aClientsSampledTraceIsTracedAtRatioZero() throws {
        let tracer = InMemoryTracer()
        let harness = try ConnectionHandlerTests.Harness(tracer: RequestTracer(tracer: tracer, rootRatio: 0))
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\ntraceparent: \(Self.sampled)\r\n\r\n")
        _ = try harness.output()
        #expect(tracer.finishedSpans.count == 1)
    }
}
