import GatewayIR
import NIOCore

/// What a connection keeps of its event loop between requests, so that a request costs no lookup
/// shared with other threads: the loop's upstream pool and the idle list of the upstream used
/// last (a client's requests mostly go to one upstream), the loop's access-log batch (kept past
/// the handler's removal, for the last request's line), the processor bound to the table served,
/// and the draws for weighted backend choice.
struct LoopLocal {
    var pool: UpstreamPool?
    var lastUpstream: (host: String, port: Int, tls: UpstreamTLS?, idle: UpstreamPool.IdleConnections)?
    var logBatch: AccessLog.Batch?
    var random = SplitMix64(seed: UInt64.random(in: 0..<UInt64.max))
    /// Numbers this connection's plain exchanges.
    var exchangeSerial = 0
    private var bound: (generation: Int, processor: RequestProcessor)?

    /// The processor bound to the table served now; kept across this connection's requests until a
    /// reload moves the generation (binding takes the table state's lock).
    mutating func processor(_ shared: RequestProcessor) -> RequestProcessor {
        let generation = shared.state?.generation ?? 0
        if let bound, bound.generation == generation { return bound.processor }
        let processor = shared.bound()
        bound = (generation, processor)
        return processor
    }

    /// The idle connections to `host:port` over `tls` in this loop's pool.
    mutating func idleConnections(host: String, port: Int, tls: UpstreamTLS?) -> UpstreamPool.IdleConnections? {
        guard let pool else { return nil }
        if let lastUpstream, lastUpstream.port == port, lastUpstream.tls === tls, lastUpstream.host == host { return lastUpstream.idle }
        let idle = pool.idleConnections(host: host, port: port, tls: tls)
        lastUpstream = (host, port, tls, idle)
        return idle
    }
}
