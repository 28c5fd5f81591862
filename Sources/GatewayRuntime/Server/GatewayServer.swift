import Foundation
import GatewayIR
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves a route table: one HTTP/1.1 listener (keep-alive, bounded bodies) per table port,
/// plus an optional admin listener with /healthz and /readyz.
public struct GatewayServer: Sendable {
    public struct Listener: Sendable {
        /// The port in the table, which routing uses.
        public var tablePort: Int
        /// The port bound (tablePort + --port-offset).
        public var bindPort: Int
        public init(tablePort: Int, bindPort: Int) {
            self.tablePort = tablePort
            self.bindPort = bindPort
        }
    }

    public var processor: RequestProcessor
    public var listeners: [Listener]
    public var address: String
    public var adminPort: Int?
    public var maxBodyBytes: Int
    public var logger: Logger
    /// How long SIGTERM waits for requests in flight before closing their connections.
    public var drainSeconds = 10
    /// Largest request head (request line and headers) accepted; larger: 431.
    public var maxHeaderBytes = 64 << 10
    /// Most header fields in one request; more: 431.
    public var maxHeaderCount = 100
    /// A keep-alive connection with no request for this long is closed.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// A request's head and body must arrive within this time (then 408).
    public var requestReadTimeout: TimeAmount = .seconds(30)
    /// Where requests are counted; /metrics on the admin listener shows them.
    public var metrics: GatewayMetrics?
    private let control = Control()

    /// Shared between connections: requests in flight, and whether the server is draining.
    final class Control: Sendable {
        let active = NIOLockedValueBox(0)
        let draining = NIOLockedValueBox(false)
        /// Open connections, closed when the drain deadline passes.
        let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    }

    public init(processor: RequestProcessor, listeners: [Listener], address: String, adminPort: Int?, maxBodyBytes: Int, logger: Logger) {
        self.processor = processor
        self.listeners = listeners
        self.address = address
        self.adminPort = adminPort
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// The connection limits in plain numbers (callers need not import NIO).
    public mutating func setLimits(maxHeaderBytes: Int, maxHeaderCount: Int, idleSeconds: Int, requestReadSeconds: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        idleTimeout = .seconds(Int64(idleSeconds))
        requestReadTimeout = .seconds(Int64(requestReadSeconds))
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds every listener, then serves until SIGTERM (or SIGINT): then it stops accepting,
    /// lets requests in flight finish for up to `drainSeconds`, closes the rest and returns.
    /// `onReady` runs once all listeners are bound.
    public func run(onReady: @Sendable () -> Void = {}) async throws {
        var servers: [(NIOAsyncChannel<Connection, Never>, Int?)] = []
        for listener in listeners { servers.append((try await bind(port: listener.bindPort), listener.tablePort)) }
        if let adminPort { servers.append((try await bind(port: adminPort), nil)) }
        onReady()
        let channels = servers.map { $0.0.channel }
        try await withThrowingDiscardingTaskGroup { group in
            for (server, tablePort) in servers {
                group.addTask {
                    try await server.executeThenClose { inbound in
                        try await withThrowingDiscardingTaskGroup { connections in
                            for try await connection in inbound {
                                connections.addTask { await serve(connection, tablePort: tablePort) }
                            }
                        }
                    }
                }
            }
            group.addTask {
                await Self.termination()
                control.draining.withLockedValue { $0 = true }
                logger.info("stopping: no new connections; waiting for requests in flight")
                for channel in channels { try? await channel.close() }
                let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(drainSeconds) * 1_000_000_000
                while control.active.withLockedValue({ $0 }) > 0, DispatchTime.now().uptimeNanoseconds < deadline {
                    try? await Task.sleep(nanoseconds: 20_000_000)
                }
                // Idle keep-alive connections (and any request past the deadline) end here.
                for connection in control.connections.withLockedValue({ Array($0.values) }) { try? await connection.close() }
            }
        }
    }

    /// Returns when the process receives SIGTERM or SIGINT.
    static func termination() async {
        let stream = AsyncStream<Void> { continuation in
            let queue = DispatchQueue(label: "gwrun.signals")
            let sources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield() }
                source.resume()
                return source
            }
            SignalSources.keep(sources)
        }
        for await _ in stream { return }
    }

    /// Signal sources live as long as the process (a released source stops delivering).
    enum SignalSources {
        // nonisolated(unsafe): written under `lock` only, never read.
        nonisolated(unsafe) private static var held: [AnyObject] = []
        private static let lock = NIOLock()
        static func keep(_ sources: [any DispatchSourceSignal]) { lock.withLock { held += sources.map { $0 as AnyObject } } }
    }

    private func bind(port: Int) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: address, port: port) { [maxHeaderBytes, maxHeaderCount, idleTimeout, requestReadTimeout] channel in
                channel.eventLoop.makeCompletedFuture {
                    var limits = NIOHTTPDecoderLimitConfiguration()
                    limits.maxHeaderFieldSize = maxHeaderBytes
                    limits.maxHeaderListSize = maxHeaderBytes
                    limits.maxHeaderFieldCount = maxHeaderCount
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: false, withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                    try channel.pipeline.syncOperations.addHandler(ConnectionGuard(idleTimeout: idleTimeout, requestReadTimeout: requestReadTimeout))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One connection: requests in order, each answered before the next is read. A connection's
    /// failure ends only that connection.
    private func serve(_ connection: Connection, tablePort: Int?) async {
        let id = ObjectIdentifier(connection.channel)
        control.connections.withLockedValue { $0[id] = connection.channel }
        defer { control.connections.withLockedValue { _ = $0.removeValue(forKey: id) } }
        if control.draining.withLockedValue({ $0 }) { try? await connection.channel.close() }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                        tooLarge = false
                    case .body(var chunk):
                        if body.readableBytes + chunk.readableBytes > maxBodyBytes { tooLarge = true } else { body.writeBuffer(&chunk) }
                    case .end:
                        guard let requestHead = head else { continue }
                        control.active.withLockedValue { $0 += 1 }
                        defer { control.active.withLockedValue { $0 -= 1 } }
                        let started = DispatchTime.now().uptimeNanoseconds
                        let request = IncomingRequest(
                            method: requestHead.method.rawValue, target: requestHead.uri,
                            headers: requestHead.headers.map { (name: $0.name, value: $0.value) }, body: body,
                            listenerPort: tablePort ?? 0)
                        var record = AccessRecord()
                        let response: GatewayResponse
                        if tablePort != nil {
                            response = tooLarge ? .text(413, "request body larger than \(maxBodyBytes) bytes") : await processor.handle(request, record: &record)
                        } else {
                            response = admin(request)
                        }
                        let sent = try await write(response, to: outbound, version: requestHead.version, keepAlive: requestHead.isKeepAlive)
                        if let outcome = sent.outcome {
                            record.inputTokens = outcome.inputTokens ?? record.inputTokens
                            record.outputTokens = outcome.outputTokens ?? record.outputTokens
                            record.error = outcome.error ?? record.error
                        }
                        if tablePort != nil { log(request, response, record, bytesOut: sent.bytes, started: started) }
                        // A body cut short ends its connection, so the client sees it was cut.
                        if sent.outcome?.truncated == true { return }
                        // While draining, a connection ends after the request it was serving.
                        if !requestHead.isKeepAlive || control.draining.withLockedValue({ $0 }) { return }
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a response: a buffered body with its length, a streamed one chunked as produced.
    /// Returns the bytes of body sent and, for a stream, what its producer reported.
    private func write(_ response: GatewayResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, version: HTTPVersion, keepAlive: Bool) async throws -> (bytes: Int, outcome: ResponseStream.Outcome?) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if response.stream == nil {
            headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        } else {
            headers.remove(name: "content-length")
        }
        if !keepAlive || control.draining.withLockedValue({ $0 }) { headers.replaceOrAdd(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)))
        guard let stream = response.stream else {
            if response.body.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(response.body))) }
            try await outbound.write(.end(nil))
            return (response.body.readableBytes, nil)
        }
        let outcome = await stream.produce { piece in try await outbound.write(.body(.byteBuffer(piece))) }
        if !outcome.truncated { try await outbound.write(.end(nil)) }
        return (outcome.bytes, outcome)
    }

    private func admin(_ request: IncomingRequest) -> GatewayResponse {
        switch request.path {
        case "/healthz": .text(200, "ok")
        case "/metrics":
            metrics.map { GatewayResponse(status: 200, headers: [("content-type", "text/plain; version=0.0.4; charset=utf-8")], body: ByteBuffer(bytes: $0.exposition())) }
                ?? .text(404, "metrics are off")
        case "/readyz": readiness()
        default: .text(404, "admin endpoints: /healthz /readyz /metrics")
        }
    }

    private func readiness() -> GatewayResponse {
        guard let state = processor.state else {
            return .text(200, "ready: table loaded (crc32c \(String(format: "%08x", processor.table.checksum))), \(processor.secrets.count) secrets resolved")
        }
        let snapshot = state.snapshot
        return .text(200, "ready: table generation \(snapshot.generation) (crc32c \(String(format: "%08x", snapshot.table.checksum))), \(snapshot.secrets.count) secrets resolved, \(state.reloadFailures) reloads refused")
    }

    /// ISO 8601 time for the access log. A formatter is costly to make, so one is shared
    /// (ISO8601DateFormatter is thread-safe).
    nonisolated(unsafe) private static let formatter = ISO8601DateFormatter()
    static func timestamp() -> String { formatter.string(from: Date()) }

    /// One JSON line per request on standard output, and the request's metrics.
    private func log(_ request: IncomingRequest, _ response: GatewayResponse, _ record: AccessRecord, bytesOut: Int, started: UInt64) {
        if let metrics {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            metrics.request(route: record.route ?? "", backend: record.backend ?? "", status: response.status, seconds: seconds)
            if let error = record.error { metrics.upstreamError(backend: record.backend ?? "", kind: error.contains("timeout") ? "timeout" : "failure") }
            if let model = record.model { metrics.tokens(model: model, input: record.inputTokens, output: record.outputTokens) }
        }
        let line = JSONNode.object()
        line.set("time", Self.timestamp())
        line.set("method", request.method)
        line.set("path", request.path)
        line.set("listener", record.listener)
        if let route = record.route { line.set("route", route) }
        if let rule = record.rule { line.set("rule", rule) }
        if let backend = record.backend { line.set("backend", backend) }
        line.set("status", response.status)
        line.set("duration_ms", .real((Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 * 1000).rounded() / 1000))
        if let upstream = record.upstreamMilliseconds { line.set("upstream_ms", .real((upstream * 1000).rounded() / 1000)) }
        if let model = record.model { line.set("model", model) }
        if let tokens = record.inputTokens { line.set("input_tokens", tokens) }
        if let tokens = record.outputTokens { line.set("output_tokens", tokens) }
        line.set("bytes_in", request.body.readableBytes)
        line.set("bytes_out", bytesOut)
        if let error = record.error { line.set("error", error) }
        // One write(2) per line, so lines from concurrent requests never interleave.
        let bytes = line.serialized() + [0x0A]
        _ = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
