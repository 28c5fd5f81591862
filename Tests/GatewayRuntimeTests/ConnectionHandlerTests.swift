import Foundation
import GatewayIR
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import GatewayRuntime

/// The connection handler on an `EmbeddedChannel`: bytes in, bytes out, no socket.
@Suite("Connection handler without sockets")
struct ConnectionHandlerTests {
    /// A channel with gwrun's pipeline on the seed table, and what it wrote so far.
    final class Harness {
        let channel = EmbeddedChannel()
        let client = UpstreamClient()

        init(admin: Bool = false, tracer: RequestTracer? = nil) throws {
            let table = try RuntimeSetupTests.seedTable()
            var processor = RequestProcessor(table: table, secrets: SecretStore(), client: client, gateway: nil)
            processor.tracer = tracer
            let loop = channel.embeddedEventLoop
            var answer: (@Sendable (IncomingRequest) -> GatewayResponse)?
            if admin { answer = { _ in GatewayResponse.text(200, "ok") } }
            let shared = GatewayConnectionHandler.Shared(
                processor: processor, control: GatewayServer.Control(), log: AccessLog(metrics: nil, group: loop), pools: UpstreamPools(group: loop),
                maxBodyBytes: 1 << 20, idleTimeout: .seconds(60), requestReadTimeout: .seconds(30), admin: answer)
            try channel.pipeline.syncOperations.addHandler(GatewayConnectionHandler(shared: shared, tablePort: admin ? nil : 8080, maxHeadBytes: 64 << 10, maxHeaderCount: 100))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        deinit { client.shutdown() }

        func send(_ text: String) throws { try channel.writeInbound(ByteBuffer(string: text)) }

        /// Everything written to the client so far, as text.
        func output() throws -> String {
            var text = ""
            while let part = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: part) }
            return text
        }
    }

    @Test func aHEADAnswerGwrunMakesItselfHasALengthButNoBody() throws {
        let harness = try Harness()
        // A 404 for HEAD, then a GET on the same connection: the GET's status line must follow the
        // HEAD's head directly, or a keep-alive client reads the 404's body as the next answer.
        try harness.send("HEAD /nowhere HTTP/1.1\r\nhost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        let out = try harness.output()
        let answers = out.components(separatedBy: "HTTP/1.1 404 Not Found\r\n")
        #expect(answers.count == 3, "\(out)")
        let headAnswer = answers[1]
        #expect(headAnswer.contains("content-length: "), "the length a GET would get")
        #expect(headAnswer.hasSuffix("\r\n\r\n"), "nothing after the HEAD answer's head: \(headAnswer)")
        #expect(!answers[2].hasSuffix("\r\n\r\n"), "the GET's answer has its body")
    }

    @Test func aHEADToAnAdminEndpointHasNoBody() throws {
        let harness = try Harness(admin: true)
        try harness.send("HEAD /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        let out = try harness.output()
        #expect(out.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(out.contains("content-length: 3\r\n"))
        #expect(out.hasSuffix("\r\n\r\n"), "\(out)")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let harness = try Harness()
        try harness.send((1...3).map { "GET /nowhere/\($0) HTTP/1.1\r\nhost: x\r\n\r\n" }.joined())
        let out = try harness.output()
        let order = ["/nowhere/1", "/nowhere/2", "/nowhere/3"].compactMap { out.range(of: $0)?.lowerBound }
        #expect(order.count == 3 && order == order.sorted(), "\(out)")
        #expect(harness.channel.isActive, "kept alive")
    }

    @Test func aGoodRequestIsAnsweredBeforeTheFaultBehindIt() throws {
        let harness = try Harness()
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n folded\r\n\r\n")
        let out = try harness.output()
        let notFound = try #require(out.range(of: "404 Not Found")), badRequest = try #require(out.range(of: "400 Bad Request"))
        #expect(notFound.lowerBound < badRequest.lowerBound)
        #expect(out.contains("connection: close"))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test func aHeadSlowerThanTheReadTimeoutGets408() throws {
        let harness = try Harness()
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\n")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(try harness.output().isEmpty)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(try harness.output().hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let harness = try Harness()
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        _ = try harness.output()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(16))
        #expect(!harness.channel.isActive)
    }

    @Test func drainingClosesAnIdleConnection() throws {
        let harness = try Harness()
        try harness.send("GET /nowhere HTTP/1.1\r\nhost: x\r\n\r\n")
        #expect(harness.channel.isActive)
        harness.channel.pipeline.fireUserInboundEventTriggered(GatewayServer.DrainEvent())
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }

    @Test func anHTTP10ClientWithoutKeepAliveIsAnsweredAndClosed() throws {
        let harness = try Harness()
        try harness.send("GET /nowhere HTTP/1.0\r\n\r\n")
        let out = try harness.output()
        #expect(out.hasPrefix("HTTP/1.0 404 Not Found\r\n") && out.contains("connection: close\r\n"))
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
    }
}
