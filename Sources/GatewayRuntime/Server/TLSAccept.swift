import NIOCore
import NIOSSL
import NIOTLS

/// Sets up a TLS connection: reads the ClientHello's SNI name, picks the listener's context from
/// the snapshot current at that moment, then hands the decrypted stream to `connection`. The
/// handshake (SNI wait included) must finish within the port's `handshakeTimeout`, or the
/// connection is closed; a name no listener takes, or bytes that are not TLS, close it too.
enum TLSAccept {
    static func install(
        on channel: any Channel, port: Int, state: TableState, handshakeTimeout: TimeAmount,
        connection: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void
    ) throws {
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(ByteToMessageHandler(SNIHandler { result in
            let serverName: String? = if case .hostname(let name) = result { name } else { nil }
            guard let context = state.snapshot.tls.context(port: port, serverName: serverName) else {
                deadline.cancel()
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            return channel.eventLoop.makeCompletedFuture {
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(NIOSSLServerHandler(context: context))
                try operations.addHandler(HandshakeWatch(deadline: deadline))
                try connection(operations)
            }
        }))
        channel.closeFuture.whenComplete { _ in deadline.cancel() }
    }
}

/// Cancels the handshake deadline once NIOSSL reports the handshake done, then leaves the pipeline.
final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let deadline: Scheduled<Void>

    init(deadline: Scheduled<Void>) { self.deadline = deadline }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            deadline.cancel()
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
