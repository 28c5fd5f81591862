import NIOCore
import NIOPosix
import NIOSSL

/// The AI path's side of a loop's upstream pool: connections to one endpoint (host, port, TLS)
/// are bounded (`limit` per loop); a request that finds them all busy waits in line for one, up to
/// its own deadline, never less. Connections are leased for one exchange and given back, to the
/// next in line or to the idle list. Used on the pool's loop only.
final class UpstreamLeases {
    struct Endpoint: Hashable {
        let host: String
        let port: Int
        /// nil: plain HTTP.
        let tls: UpstreamTLS?
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String { "no connection to the provider came free before the request's deadline" }
    }

    private final class Line {
        var idle: [UpstreamConnection] = []
        var open = 0
        var waiting: [(promise: EventLoopPromise<UpstreamConnection>, timer: Scheduled<Void>)] = []
    }

    private let eventLoop: any EventLoop
    private var lines: [Endpoint: Line] = [:]

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// A connection to `endpoint` for one exchange: an idle one, a new one while fewer than
    /// `limit` are open, else the next one given back before `deadline`.
    func lease(_ endpoint: Endpoint, limit: Int, connectTimeout: TimeAmount, deadline: NIODeadline) -> EventLoopFuture<UpstreamConnection> {
        let line = self.line(endpoint)
        while let connection = line.idle.popLast() {
            if connection.channel.isActive { return eventLoop.makeSucceededFuture(connection) }
        }
        let promise = eventLoop.makePromise(of: UpstreamConnection.self)
        if line.open < limit {
            connect(endpoint, line: line, connectTimeout: connectTimeout, promise: promise)
        } else {
            let timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                line.waiting.removeAll { $0.promise.futureResult === promise.futureResult }
                promise.fail(Timeout())
            }
            line.waiting.append((promise, timer))
        }
        return promise.futureResult
    }

    /// Gives a connection back after its exchange: to the next in line, or to the idle list when
    /// it may be reused; closed otherwise (its close lets the next in line connect).
    func giveBack(_ connection: UpstreamConnection, endpoint: Endpoint, reusable: Bool) {
        let line = self.line(endpoint)
        guard reusable, connection.channel.isActive else { return connection.channel.close(promise: nil) }
        if !line.waiting.isEmpty {
            let next = line.waiting.removeFirst()
            next.timer.cancel()
            return next.promise.succeed(connection)
        }
        line.idle.append(connection)
    }

    func closeAll() {
        for line in lines.values {
            for connection in line.idle { connection.channel.close(promise: nil) }
            line.idle.removeAll()
        }
    }

    private func line(_ endpoint: Endpoint) -> Line {
        if let line = lines[endpoint] { return line }
        let line = Line()
        lines[endpoint] = line
        return line
    }

    private func connect(_ endpoint: Endpoint, line: Line, connectTimeout: TimeAmount, promise: EventLoopPromise<UpstreamConnection>) {
        line.open += 1
        let tls = endpoint.tls
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try tls.handler(serverHostname: endpoint.host)) }
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    // However the connection ends, the next in line may open one.
                    channel.closeFuture.assumeIsolated().whenComplete { _ in
                        line.open -= 1
                        self.connectNextInLine(endpoint, line: line, connectTimeout: connectTimeout)
                    }
                    guard let connection = UpstreamConnection(channel) else {
                        channel.close(promise: nil)
                        return promise.fail(UpstreamHandler.ConnectionClosed())
                    }
                    promise.succeed(connection)
                case .failure(let error):
                    line.open -= 1
                    promise.fail(error)
                    self.connectNextInLine(endpoint, line: line, connectTimeout: connectTimeout)
                }
            }
    }

    private func connectNextInLine(_ endpoint: Endpoint, line: Line, connectTimeout: TimeAmount) {
        guard !line.waiting.isEmpty else { return }
        let next = line.waiting.removeFirst()
        next.timer.cancel()
        connect(endpoint, line: line, connectTimeout: connectTimeout, promise: next.promise)
    }
}
