import Dispatch
import GatewayIR
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Synchronization

/// Serves one client connection by executing what its state machines decide: the connection's
/// (`ConnectionStateMachine`: queueing, keep-alive, timeouts, drain, refusals) and, for a plain
/// route, its upstream exchange's (`ProxyExchangeStateMachine`). Every byte to the client is made
/// by `ClientWriter`. Everything runs on the connection's event loop except an AI request's
/// exchange, a task (`GatewayConnectionHandler+AI`). The only handler of the client's channel.
final class GatewayConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of a server shares.
    struct Shared: Sendable {
        let processor: RequestProcessor
        let control: GatewayServer.Control
        let log: AccessLog
        let pools: UpstreamPools
        let maxBodyBytes: Int
        let idleTimeout: TimeAmount
        let requestReadTimeout: TimeAmount
        /// Answers on the admin listener (nil on a table listener).
        let admin: (@Sendable (IncomingRequest) -> GatewayResponse)?
        /// Where AI requests and policy refusals are recorded before their answer's last byte.
        var audit: AuditLog?
    }

    /// A request read whole, waiting for its turn.
    struct QueuedRequest {
        var head: RequestParser.Head
        var body: ByteBuffer
        var tooLarge: Bool
    }

    /// The request being answered.
    struct Answering {
        var request: IncomingRequest
        var keepAlive: Bool
        /// The request's HTTP version, which its answer takes.
        var version: HTTPVersion
        var started: UInt64
        var record = AccessRecord()
        var bytesOut = 0
        /// Its audit record was written (or failed): `respond` does not write it again.
        var recordedInAudit = false
    }

    /// The request being read (its parser apart: feeding it must not overlap changes to this).
    private struct Reading {
        /// The parser is being fed (an answer completed meanwhile must not read it; the read's
        /// end checks it instead).
        var feeding = false
        var head: RequestParser.Head?
        var body = ByteBuffer()
        var tooLarge = false
    }

    let shared: Shared
    let tablePort: Int
    /// The client address the access log shows (the PROXY header's when a trusted proxy sent one).
    let peer: String?
    var context: ChannelHandlerContext?
    private var machine: ConnectionStateMachine<QueuedRequest>
    private var parser: RequestParser
    private var reading = Reading()
    private var ticks: RepeatedTask?
    var answering: Answering?
    /// A plain route's exchange with its upstream (`GatewayConnectionHandler+Proxy`).
    var proxy: ProxyState?
    /// An upgraded connection's tunnel (`GatewayConnectionHandler+Tunnel`).
    var tunnel: TunnelState?
    /// The task answering an AI request, cancelled when the client goes away.
    var aiTask: Task<Void, Never>?
    /// What this connection keeps of its event loop: upstream pool, log batch, bound table.
    var local: LoopLocal
    var timer = ProxyTimer()

    init(shared: Shared, tablePort: Int?, peer: String? = nil, maxHeadBytes: Int, maxHeaderCount: Int) {
        self.shared = shared
        self.tablePort = tablePort ?? -1
        self.peer = peer
        parser = RequestParser(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount)
        machine = ConnectionStateMachine(idleTimeout: shared.idleTimeout, readTimeout: shared.requestReadTimeout, now: .now())
        local = LoopLocal()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        machine = ConnectionStateMachine(idleTimeout: shared.idleTimeout, readTimeout: shared.requestReadTimeout, now: context.eventLoop.now)
        local.pool = shared.pools.pool(for: context.eventLoop)
        local.logBatch = shared.log.batch(for: context.eventLoop)
        let channel = context.channel
        shared.control.connections.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        if shared.control.isDraining { _ = machine.drain() }
        let interval = machine.tickInterval
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        ticks = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in handler.value.tick() }
        if shared.control.isDraining { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ticks?.cancel()
        ticks = nil
        stopProxyTimer()
        let id = ObjectIdentifier(context.channel)
        shared.control.connections.withLockedValue { _ = $0.removeValue(forKey: id) }
        self.context = nil
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if tunnel != nil { return tunnelClientRead(unwrapInboundIn(data), context: context) }
        let wasIdle = parser.isIdle
        var requestEnded = false
        reading.feeding = true
        defer { reading.feeding = false }
        do {
            try parser.feed(unwrapInboundIn(data)) { event in
                if received(event, context: context) { requestEnded = true }
            }
        } catch let malformed as RequestParser.Malformed {
            return refuse(machine.requestMalformed(malformed))
        } catch {
            return context.fireErrorCaught(error)
        }
        // A request began in this read and is not whole yet: its read timeout runs from now.
        if !parser.isIdle, wasIdle || requestEnded { machine.requestBegan(now: context.eventLoop.now) }
    }

    /// Returns true when a request ended.
    private func received(_ event: RequestParser.Event, context: ChannelHandlerContext) -> Bool {
        switch event {
        case .head(let head):
            reading.head = head
            reading.body = ByteBuffer()  // not clear(): that allocates a storage for a body most requests lack
            reading.tooLarge = false
            // curl and others wait for this before sending a body over 1 KiB.
            if head.expectsContinue, !machine.isAnswering {
                var out = context.channel.allocator.buffer(capacity: 32)
                ClientWriter.continueHead(version: head.version, into: &out)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
            return false
        case .body(var chunk):
            if reading.body.readableBytes + chunk.readableBytes > shared.maxBodyBytes {
                reading.tooLarge = true
            } else if reading.body.readableBytes == 0 {
                reading.body = chunk  // a body read in one piece is kept as it came, not copied
            } else {
                reading.body.writeBuffer(&chunk)
            }
            return false
        case .end:
            guard let head = reading.head else { return false }
            reading.head = nil
            let request = QueuedRequest(head: head, body: reading.body, tooLarge: reading.tooLarge)
            reading.body = ByteBuffer()
            switch machine.requestReceived(request) {
            case .start(let request): begin(request, context: context)
            case .queue(pauseReading: true): context.channel.setOption(.autoRead, value: false).whenFailure { _ in }
            case .queue(pauseReading: false), .drop: break
            }
            return true
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server drains: an idle connection closes now, a busy one after its answer.
        if event is GatewayServer.DrainEvent, machine.drain() { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if tunnel != nil { tunnelWritabilityChanged(clientWritable: context.channel.isWritable) }
        proxyClientWritable(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if tunnel != nil { tunnelClosed() }
        if machine.closed() {
            // The provider call (or the stream being relayed) stops now, not when it would end.
            aiTask?.cancel()
            aiTask = nil
            proxyClientClosed()
        }
        context.fireChannelInactive()
    }

    private func tick() {
        guard let context else { return }
        switch machine.tick(now: context.eventLoop.now) {
        case .none: break
        case .close: context.close(promise: nil)
        case .refuse(let status, let reason): writeRefusal(status: status, reason: reason, context: context)
        }
    }

    private func refuse(_ action: ConnectionStateMachine<QueuedRequest>.RefuseAction) {
        guard let context else { return }
        switch action {
        case .refuse(let status, let reason): writeRefusal(status: status, reason: reason, context: context)
        case .later, .none: break
        }
    }

    private func writeRefusal(status: Int, reason: String, context: ChannelHandlerContext) {
        ticks?.cancel()
        var out = context.channel.allocator.buffer(capacity: 256)
        ClientWriter.refusal(status: status, reason: reason, into: &out)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
    }

    // MARK: Ending an answer

    /// The connection closes after this answer.
    var answerCloses: Bool { !(answering?.keepAlive ?? false) || shared.control.isDraining || machine.draining }

    /// Logs the request and goes on with the next one, or closes the connection once `lastWrite`
    /// (the answer's last write) is done.
    func complete(closing: Bool, after lastWrite: EventLoopFuture<Void>?) {
        guard let current = answering else { return }
        if tablePort >= 0 {
            RequestPipeline.answered(current.record, shared: shared.processor.sharedLimits, budgets: shared.processor.budgets)
            current.record.trace?.finish(status: current.record.status, record: current.record)
            shared.log.write(current.request, status: current.record.status, current.record, bytesOut: current.bytesOut, started: current.started, into: local.logBatch)
        }
        answering = nil
        proxy = nil
        shared.control.active.subtract(1, ordering: .relaxed)
        guard let context else { return }
        switch machine.answerEnded(closeConnection: closing || shared.control.isDraining, now: context.eventLoop.now) {
        case .close:
            let channel = context.channel
            if let lastWrite { lastWrite.whenComplete { _ in channel.close(promise: nil) } } else { channel.close(promise: nil) }
        case .start(let next, let resumeReading):
            if resumeReading { context.channel.setOption(.autoRead, value: true).whenFailure { _ in } }
            begin(next, context: context)
        case .refuse(let malformed):
            writeRefusal(status: malformed.status, reason: malformed.description, context: context)
        case .waitForRequest:
            if !reading.feeding, !parser.isIdle { machine.requestBegan(now: context.eventLoop.now) }
        }
    }
}
