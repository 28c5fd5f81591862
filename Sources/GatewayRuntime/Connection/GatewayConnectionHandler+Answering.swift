import Dispatch
import GatewayIR
import NIOCore
import NIOHTTP1
import Synchronization

/// Starting a request's answer: the pipeline's routing (an answer of gwrun's own, a plain proxy or
/// tunnel, an AI exchange, or a decision still pending on shared rate limits) and writing a
/// buffered answer, after its audit record when a policy refused it. The connection's state
/// machine takes over again in `complete` (GatewayConnectionHandler.swift).
extension GatewayConnectionHandler {
    func begin(_ queued: QueuedRequest, context: ChannelHandlerContext) {
        shared.control.active.add(1, ordering: .relaxed)
        var incoming = IncomingRequest(method: queued.head.method, target: queued.head.target, headers: queued.head.headers, body: queued.body, listenerPort: tablePort)
        incoming.peer = peer
        answering = Answering(request: incoming, keepAlive: queued.head.keepAlive, version: queued.head.version, started: DispatchTime.now().uptimeNanoseconds)
        if let admin = shared.admin { return respond(admin(incoming)) }
        if queued.tooLarge { return respond(.text(413, "request body larger than \(shared.maxBodyBytes) bytes")) }
        let processor = local.processor(shared.processor)
        var record = AccessRecord()
        let routing = processor.route(incoming, random: local.random.next(), record: &record)
        answering?.record = record
        dispatch(routing, incoming, processor: processor, version: queued.head.version, context: context)
    }

    /// Goes on with what the pipeline decided; a pending decision (shared rate limits) comes back
    /// on this loop, unless the client left meanwhile.
    private func dispatch(_ routing: RequestProcessor.Routing, _ incoming: IncomingRequest, processor: RequestProcessor, version: HTTPVersion, context: ChannelHandlerContext) {
        switch routing {
        case .pending(let future):
            future.hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                guard let context = self.context, self.answering != nil else { return }
                switch result {
                case .success(let resumed):
                    self.answering?.record = resumed.record
                    self.dispatch(resumed.routing, incoming, processor: processor, version: version, context: context)
                case .failure(let error):
                    self.answering?.record.error = "\(error)"
                    self.respond(.text(500, "the request could not be routed"))
                }
            }
        case .answer(let response): respond(response)
        case .proxy(let target):
            if let upgrade = TunnelStateMachine.upgrade(in: incoming.headers), version.minor >= 1 {
                startTunnel(target, upgrade: upgrade, processor: processor, context: context)
            } else {
                startProxy(target, processor: processor, context: context)
            }
        case .ai(let backend, let rule, let headers): answerAI(incoming, processor: processor, backend: backend, rule: rule, headers: headers, context: context)
        }
    }

    /// Writes a buffered answer and ends the request; a policy's refusal is first recorded in the
    /// audit log (a record that cannot be written turns the answer into a 503).
    func respond(_ response: GatewayResponse) {
        guard let context, let current = answering else { return complete(closing: true, after: nil) }
        if let audit = shared.audit, current.record.audited, !current.recordedInAudit {
            answering?.recordedInAudit = true
            let record = AuditRecord(request: current.request, record: current.record, status: response.status,
                                     latencyMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - current.started) / 1e6, tableChecksum: local.processor(shared.processor).table.checksum)
            audit.append(record, on: context.eventLoop).assumeIsolated().whenSuccess { written in
                if written { return self.respond(response) }
                self.answering?.record.error = "audit log unavailable"
                self.respond(.text(503, "the audit log cannot be written"))
            }
            return
        }
        answering?.record.status = response.status
        let closing = answerCloses
        var out = context.channel.allocator.buffer(capacity: 256 + response.body.readableBytes)
        answering?.bytesOut = ClientWriter.answer(response, requestMethod: current.request.method, version: current.version, closing: closing, into: &out)
        let written = context.writeAndFlush(wrapOutboundOut(out))
        complete(closing: closing, after: closing ? written : nil)
    }
}
