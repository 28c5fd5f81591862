import Foundation
import GatewayIR
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Serves a route table: one HTTP/1.1 listener (keep-alive, bounded bodies) per table port,
/// plus an optional admin listener with /healthz and /readyz.
///
/// More than 12 stored properties: it is the server's configuration value, one field per gwrun
/// option (each documented where it is declared), plus the shared `control`.
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
    public var drainSeconds = GwrunDeployment.drainSeconds
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
    /// Open client connections at most (admin included); more are answered 503 and closed.
    public var maxConnections = AcceptLimits.defaultMaxConnections()
    /// The audit log (`--audit-log`), closed (every record on disk) when the server stops.
    public var audit: AuditLog?
    /// Peers whose PROXY protocol headers are believed (`--trusted-proxies`).
    public var trustedProxies: [CIDRBlock] = []
    public static func defaultMaxConnections() -> Int { AcceptLimits.defaultMaxConnections() }
    private let control = Control()

    /// Sent to every connection when the server stops accepting.
    struct DrainEvent {}

    /// Shared between connections: requests in flight, and whether the server is draining.
    final class Control: Sendable {
        /// Requests being answered, and whether the server is draining: atomics, since every
        /// request on every loop reads or changes them.
        let active = Synchronization.Atomic<Int>(0)
        let draining = Synchronization.Atomic<Bool>(false)
        var isDraining: Bool { draining.load(ordering: .relaxed) }
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

    /// Binds every listener, then serves until SIGTERM (or SIGINT): then it stops accepting,
    /// lets requests in flight finish for up to `drainSeconds`, closes the rest and returns.
    /// `onReady` runs once all listeners are bound.
    public func run(onReady: @Sendable () -> Void = {}) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let limits = AcceptLimits(maxConnections: maxConnections, logger: logger, metrics: metrics)
        var shared = GatewayConnectionHandler.Shared(
            processor: processor, control: control, log: AccessLog(metrics: metrics, group: group), pools: processor.client.pools,
            maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout, requestReadTimeout: requestReadTimeout, admin: nil)
        shared.audit = audit
        var servers: [any Channel] = []
        do {
            for listener in listeners { servers.append(try await bind(port: listener.bindPort, tablePort: listener.tablePort, shared: shared, limits: limits, group: group)) }
            if let adminPort {
                let server = self
                let adminShared = GatewayConnectionHandler.Shared(
                    processor: processor, control: control, log: shared.log, pools: shared.pools, maxBodyBytes: maxBodyBytes,
                    idleTimeout: idleTimeout, requestReadTimeout: requestReadTimeout, admin: { server.admin($0) })
                servers.append(try await bind(port: adminPort, tablePort: nil, shared: adminShared, limits: limits, group: group))
            }
        } catch {
            for server in servers { try? await server.close() }
            throw error
        }
        onReady()
        let flushing = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { [log = shared.log] _ in log.flush() }
        await Self.termination()
        control.draining.store(true, ordering: .relaxed)
        logger.info("stopping: no new connections; waiting for requests in flight")
        for server in servers { try? await server.close() }
        // Idle keep-alive connections close now; busy ones after their answer.
        for connection in control.connections.withLockedValue({ Array($0.values) }) { connection.pipeline.fireUserInboundEventTriggered(DrainEvent()) }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(drainSeconds) * 1_000_000_000
        while control.active.load(ordering: .relaxed) > 0, DispatchTime.now().uptimeNanoseconds < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        // Requests still running past the deadline end here.
        for connection in control.connections.withLockedValue({ Array($0.values) }) { try? await connection.close() }
        shared.pools.closeAll()
        flushing.cancel()
        await shared.log.flushAll()
        audit?.close()
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

    /// A listener that could not be bound, named as the user configured it.
    public struct BindError: Error, CustomStringConvertible {
        public let description: String
    }

    private func bind(port: Int, tablePort: Int?, shared: GatewayConnectionHandler.Shared, limits: AcceptLimits, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        do {
            return try await bindListener(port: port, tablePort: tablePort, shared: shared, limits: limits, group: group)
        } catch {
            let what = tablePort.map { $0 == port ? "listener port \($0)" : "listener port \($0) + --port-offset \(port - $0)" } ?? "--admin-port"
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw BindError(description: "cannot listen on \(address):\(port) (\(what)): \(reason)")
        }
    }

    private func bindListener(port: Int, tablePort: Int?, shared: GatewayConnectionHandler.Shared, limits: AcceptLimits, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        let setup = ConnectionSetup(
            shared: shared, limits: limits, state: processor.state, tablePort: tablePort, maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount,
            trustedProxies: trustedProxies, proxyHeaderTimeout: requestReadTimeout)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPause(limits: limits))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [setup] channel in
                channel.eventLoop.makeCompletedFuture { try setup.install(on: channel) }
            }
            .bind(host: address, port: port)
            .get()
    }

    func admin(_ request: IncomingRequest) -> GatewayResponse {
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
        // A draining replica leaves its Service's endpoints at the next readiness probe.
        if control.isDraining { return .text(503, "draining: finishing the requests in flight before exit") }
        guard let state = processor.state else {
            return .text(200, "ready: table loaded (crc32c \(String(format: "%08x", processor.table.checksum))), \(processor.secrets.count) secrets resolved")
        }
        let snapshot = state.snapshot
        // Then one line per backend that failed since start (none while all are well).
        let upstreams = metrics?.health.report() ?? []
        return .text(200, "ready: table generation \(snapshot.generation) (crc32c \(String(format: "%08x", snapshot.table.checksum))), \(snapshot.secrets.count) secrets resolved, \(state.reloadFailures) reloads refused"
            + upstreams.map { "\n" + $0 }.joined())
    }
}
