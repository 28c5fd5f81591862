import GatewayIR
import NIOCore

/// The first handler on a port with `frontend.proxyProtocol`: it buffers the connection's first
/// bytes until `ProxyHeaderParser` decides, then hands the client address (the header's, or the
/// peer's) to `proceed`, which installs the rest of the pipeline after it, and passes the bytes
/// after the header on. From a peer outside `--trusted-proxies` a header is never believed: such a
/// connection that starts with one is closed (a client could claim any address), and on a Strict
/// port an untrusted peer is refused before this handler is added.
final class ProxyHeaderReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Trust {
        /// A trusted proxy: `required` (Strict) or optional, and the versions read.
        case trusted(required: Bool, v1: Bool, v2: Bool)
        case untrusted
    }

    private let trust: Trust
    private let timeout: TimeAmount
    private let proceed: (SocketAddress?) throws -> Void
    private let refuse: (String) -> Void
    private var buffered: ByteBuffer?
    private var deadline: Scheduled<Void>?
    private var done = false

    init(trust: Trust, timeout: TimeAmount, proceed: @escaping (SocketAddress?) throws -> Void, refuse: @escaping (String) -> Void) {
        self.trust = trust
        self.timeout = timeout
        self.proceed = proceed
        self.refuse = refuse
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        var incoming = unwrapInboundIn(data)
        if buffered == nil { buffered = incoming } else { buffered?.writeBuffer(&incoming) }
        guard let bytes = buffered else { return }
        switch decide(ProxyHeaderParser.parse(bytes.readableBytesView)) {
        case .wait: return
        case .close(let reason):
            done = true
            refuse(reason)
            context.close(promise: nil)
        case .proceed(let address, let consumed):
            done = true
            deadline?.cancel()
            var rest = bytes
            rest.moveReaderIndex(forwardBy: consumed)
            do { try proceed(address) } catch { return context.close(promise: nil) }
            if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
            buffered = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    enum Decision: Equatable {
        case wait
        case close(String)
        /// The client's address (nil: the peer's own), and how many bytes the header took.
        case proceed(SocketAddress?, consumed: Int)
    }

    /// What to do with the parser's result under this connection's trust: the whole policy, testable alone.
    func decide(_ result: ProxyHeaderParser.Result) -> Decision {
        switch (trust, result) {
        case (_, .needMore): return .wait
        case (.untrusted, .notProxy): return .proceed(nil, consumed: 0)
        case (.untrusted, .header), (.untrusted, .invalid): return .close("a PROXY header from a peer outside --trusted-proxies")
        case (.trusted(let required, _, _), .notProxy): return required ? .close("no PROXY header from a trusted proxy on a Strict port") : .proceed(nil, consumed: 0)
        case (.trusted, .invalid(let reason)): return .close("a malformed PROXY header: \(reason)")
        case (.trusted(_, let v1, let v2), .header(let address, let port, let version, let length)):
            guard version == 1 ? v1 : v2 else { return .close("a PROXY v\(version) header where the policy accepts \(v1 ? "v1" : "v2") only") }
            guard let address else { return .proceed(nil, consumed: length) }
            return .proceed(Self.socketAddress(address, port: port), consumed: length)
        }
    }

    static func socketAddress(_ bytes: [UInt8], port: Int) -> SocketAddress? {
        try? SocketAddress(ipAddress: CIDRBlock.format(bytes), port: port)
    }
}
