import NIOCore
import NIOPosix

/// Runs one event loop's `RedisConnectionStateMachine`: opens the channel, writes, schedules
/// each call's deadline, completes the calls' promises. Lives on its loop and is touched only
/// there (`RedisClient` hands out one per loop).
final class RedisLoopConnection {
    let loop: any EventLoop
    private let host: String
    private let port: Int
    private let connectTimeout: TimeAmount
    private let report: @Sendable (String) -> Void
    private var machine: RedisConnectionStateMachine
    private var channel: (any Channel)?
    private var promises: [Int: (promise: EventLoopPromise<RESPValue>, deadline: Scheduled<Void>?)] = [:]
    private var nextCall = 0

    init(loop: any EventLoop, host: String, port: Int, handshake: [(name: String, bytes: ByteBuffer)], connectTimeout: TimeAmount, report: @escaping @Sendable (String) -> Void) {
        self.loop = loop
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.report = report
        machine = RedisConnectionStateMachine(handshake: handshake)
    }

    /// Sends a command; the future fails with `RedisConnectionStateMachine.Failure` (never hangs
    /// past `timeout`).
    func call(_ bytes: ByteBuffer, timeout: TimeAmount) -> EventLoopFuture<RESPValue> {
        loop.preconditionInEventLoop()
        let call = nextCall
        nextCall += 1
        let promise = loop.makePromise(of: RESPValue.self)
        let deadline = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in execute(machine.deadlinePassed(call)) }
        promises[call] = (promise, deadline)
        execute(machine.call(call, bytes: bytes, now: .now()))
        return promise.futureResult
    }

    private func execute(_ actions: [RedisConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .connect: connect()
            case .write(let bytes):
                // A write that fails (the peer reset) closes the channel: its calls fail and the next reconnects.
                channel?.writeAndFlush(bytes).whenFailure { [weak channel] _ in channel?.close(promise: nil) }
            case .succeed(let call, let value):
                guard let waiting = promises.removeValue(forKey: call) else { continue }
                waiting.deadline?.cancel()
                waiting.promise.succeed(value)
            case .fail(let call, let failure):
                guard let waiting = promises.removeValue(forKey: call) else { continue }
                waiting.deadline?.cancel()
                waiting.promise.fail(failure)
            case .close: channel?.close(promise: nil)
            case .report(let line): report(line)
            }
        }
    }

    private func connect() {
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [loop] channel in
                loop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RedisReplyHandler()) }
            }
        bootstrap.connect(host: host, port: port).hop(to: loop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                self.channel = channel
                let handler = try? channel.pipeline.syncOperations.handler(type: RedisReplyHandler.self)
                handler?.onReply = { [self] value in execute(machine.received(value)) }
                handler?.onClose = { [self] in
                    self.channel = nil
                    execute(machine.closed(now: .now()))
                }
                execute(machine.connected())
                // Closed before the callbacks were in place (a Redis at maxclients hangs up at once).
                if !channel.isActive, self.channel === channel {
                    handler?.onClose = nil
                    self.channel = nil
                    execute(machine.closed(now: .now()))
                }
            case .failure:
                execute(machine.connectFailed(now: .now()))
            }
        }
    }
}

/// Decodes replies and hands them to the connection; malformed bytes close the connection.
final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var decoder = RESPDecoder()
    var onReply: ((RESPValue) -> Void)?
    var onClose: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decoder.feed(unwrapInboundIn(data))
        do {
            while let value = try decoder.next() { onReply?(value) }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose?()
        onClose = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
