import NIOCore
import NIOPosix
import Synchronization

/// Calls AI providers over the same per-loop connections and framing as plain routes
/// (`UpstreamLeases`, `UpstreamHandler`, `UpstreamResponseParser`), TLS through swift-nio-ssl
/// for `https` endpoints. An async API for the tasks that translate: the answer's head, then its
/// body as an async sequence with backpressure (the provider is paused while the client reads
/// slowly). Cancelling the task closes the provider connection at once.
public final class UpstreamClient: Sendable {
    let pools: UpstreamPools
    private let group: any EventLoopGroup
    /// Connections to one provider endpoint at most, over all loops.
    let maxConnectionsPerEndpoint: Int
    /// The share of `maxConnectionsPerEndpoint` each event loop's pool may open.
    private let connectionsPerLoop: Int
    let connectTimeout: TimeAmount
    /// `--upstream-ca-file`: trusted besides the system's store wherever a setting names no CAs of its own.
    let additionalCAFiles: [String]

    public struct Timeout: Error, CustomStringConvertible {
        public var description: String { "the provider did not answer before the deadline" }
    }

    public init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, connectSeconds: Int = 5, maxConnectionsPerEndpoint: Int = 256,
        additionalCAFiles: [String] = []
    ) {
        self.group = group
        self.additionalCAFiles = additionalCAFiles
        pools = UpstreamPools(group: group, tls: UpstreamTLS(additionalCAFiles: additionalCAFiles))
        connectTimeout = .seconds(Int64(connectSeconds))
        self.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
        let loops = max(1, group.makeIterator().reduce(0) { count, _ in count + 1 })
        connectionsPerLoop = max(1, (maxConnectionsPerEndpoint + loops - 1) / loops)
    }

    /// Sends one request and returns its answer's head; the body follows through `body`.
    func execute(method: String, endpoint: ProviderEndpoint, headers: [(name: String, value: String)], body: ByteBuffer, deadline: NIODeadline) async throws -> UpstreamResponse {
        // The caller's own loop when it runs on one (an AI request's task runs on its client's loop):
        // the call, its continuation and the answer's write then stay on one thread, where `next()`
        // sent every other request across threads and back (a wake-up of the other loop each way).
        let loop = group.any()
        let limit = connectionsPerLoop
        let request = Self.requestBytes(method: method, endpoint: endpoint, headers: headers, body: body)
        let target = UpstreamLeases.Endpoint(host: endpoint.host, port: endpoint.port, tls: endpoint.tls ?? (endpoint.scheme == "https" ? pools.tls : nil))
        // The call is made on its loop; a cancellation that comes first is seen there too.
        let slot = NIOLoopBoundBox.makeEmptyBox(valueType: UpstreamCall.self, eventLoop: loop)
        let cancelled = CancelFlag()
        let (pools, connectTimeout) = (self.pools, self.connectTimeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UpstreamResponse, any Error>) in
                loop.execute {
                    guard !cancelled.isSet else { return continuation.resume(throwing: CancellationError()) }
                    let call = UpstreamCall(eventLoop: loop, leases: pools.leases(for: loop), endpoint: target)
                    slot.value = call
                    call.start(request, limit: limit, connectTimeout: connectTimeout, deadline: deadline, continuation: continuation)
                }
            }
        } onCancel: {
            cancelled.set()
            loop.execute { slot.value?.cancel() }
        }
    }

    /// The request as it goes to the provider, serialised once.
    static func requestBytes(method: String, endpoint: ProviderEndpoint, headers: [(name: String, value: String)], body: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(512 + body.readableBytes)
        out.writeString(method)
        out.writeStaticString(" ")
        out.writeString(endpoint.path)
        out.writeStaticString(" HTTP/1.1\r\nhost: ")
        out.writeString(endpoint.hostHeader)
        out.writeStaticString("\r\n")
        for header in headers where !HeaderName.isHopByHop(header.name) { HTTPBytes.writeField(header, into: &out) }
        out.writeStaticString("content-length: ")
        out.writeString(String(body.readableBytes))
        out.writeStaticString("\r\n\r\n")
        out.writeImmutableBuffer(body)
        return out
    }

    public func shutdown() { pools.closeAll() }
}

/// Set once, read on a loop: whether the task that made a call was cancelled before it started.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// A provider's answer: its status and headers, and the body still to read.
struct UpstreamResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: UpstreamBody

    func header(_ name: String) -> String? { headers.first { HeaderName.matches($0.name, name) }?.value }
}
