import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A small Redis client for gwrun's shared state (docs/redis.md): one pipelined connection per
/// event loop, opened on first use, commands as RESP2 arrays, a deadline on every call. Not a
/// general client: no pub/sub, no cluster redirects, no TLS.
public final class RedisClient: Sendable {
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var username: String?
        public var description: String { "redis://\(host):\(port)" }

        public struct Refusal: Error, CustomStringConvertible {
            public var description: String
        }

        /// `redis://host[:port]`, optionally `redis://user@host:port` for an ACL user. A password
        /// in the URL is refused: it would show in the process list (use a password file). No
        /// message repeats the URL, so none can echo a password.
        public init(url: String) throws {
            guard url.hasPrefix("redis://") else { throw Refusal(description: "expected redis://host:port (rediss:// and unix sockets are not supported)") }
            var rest = Substring(url.dropFirst("redis://".count))
            if let slash = rest.firstIndex(of: "/") {
                let database = rest[rest.index(after: slash)...]
                guard database.isEmpty || database == "0" else { throw Refusal(description: "only database 0 is supported (gwrun's keys are prefixed gwrun:)") }
                rest = rest[..<slash]
            }
            if let at = rest.lastIndex(of: "@") {
                let user = rest[..<at]
                guard !user.contains(":") else { throw Refusal(description: "redis URL: a password in the URL would show in the process list; give it with --redis-password-file") }
                username = user.isEmpty ? nil : String(user)
                rest = rest[rest.index(after: at)...]
            }
            var hostPart = rest, portPart: Substring = "6379"
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                hostPart = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") { portPart = after.dropFirst() }
            } else if let colon = rest.lastIndex(of: ":") {
                hostPart = rest[..<colon]
                portPart = rest[rest.index(after: colon)...]
            }
            guard !hostPart.isEmpty, let port = Int(portPart), (1...65535).contains(port) else { throw Refusal(description: "expected redis://host:port with a port from 1 to 65535") }
            host = String(hostPart)
            self.port = port
        }
    }

    public let address: Address
    let timeout: TimeAmount
    private let handshake: [(name: String, bytes: ByteBuffer)]
    private let report: @Sendable (String) -> Void
    private let connections = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<RedisLoopConnection>]>([:])

    /// `scripts` are loaded on every new connection (SCRIPT LOAD), so calls can name them by hash.
    init(address: Address, password: String?, timeout: TimeAmount, scripts: [String], report: @escaping @Sendable (String) -> Void) {
        self.address = address
        self.timeout = timeout
        self.report = report
        var steps: [(name: String, bytes: ByteBuffer)] = []
        if let password {
            var bytes = ByteBuffer()
            RESPValue.command(["AUTH"] + (address.username.map { [$0] } ?? []) + [password], into: &bytes)
            steps.append(("AUTH", bytes))
        }
        for script in scripts {
            var bytes = ByteBuffer()
            RESPValue.command(["SCRIPT", "LOAD", script], into: &bytes)
            steps.append(("SCRIPT LOAD", bytes))
        }
        handshake = steps
    }

    /// A Redis that lost its scripts on a connection gwrun kept (SCRIPT FLUSH, a failover behind
    /// a proxy) answers NOSCRIPT: load `script` again (a new connection loads them anyway).
    func reloadIfFlushed(_ error: any Error, script: String, on loop: any EventLoop) {
        guard case RedisConnectionStateMachine.Failure.server(let message) = error, message.hasPrefix("NOSCRIPT") else { return }
        _ = call(["SCRIPT", "LOAD", script], on: loop)
    }

    /// Runs a command on `loop`'s connection; the future completes on `loop`.
    func call(_ arguments: [String], on loop: any EventLoop) -> EventLoopFuture<RESPValue> {
        var bytes = ByteBuffer()
        RESPValue.command(arguments, into: &bytes)
        let connection = connection(on: loop)
        return connection.value.call(bytes, timeout: timeout)
    }

    private func connection(on loop: any EventLoop) -> NIOLoopBound<RedisLoopConnection> {
        let key = ObjectIdentifier(loop)
        return connections.withLockedValue { connections in
            if let found = connections[key] { return found }
            let made = NIOLoopBound(
                RedisLoopConnection(loop: loop, host: address.host, port: address.port, handshake: handshake, connectTimeout: max(timeout, .seconds(1)), report: report),
                eventLoop: loop)
            connections[key] = made
            return made
        }
    }
}
