import GatewayIR
import NIOCore

/// What an accepted connection gets, in order: the PROXY header read (on a port whose frontend
/// policy asks for it: after the connection limit), the source rules on the client's real address
/// (LAN-only, networkAuthorization; without PROXY a refused client is closed before a byte is
/// read, and before the connection limit counts it), TLS (on a port with HTTPS listeners), and the
/// connection handler.
struct ConnectionSetup: Sendable {
    let shared: GatewayConnectionHandler.Shared
    let limits: AcceptLimits
    let state: TableState?
    let tablePort: Int?
    let maxHeaderBytes: Int
    let maxHeaderCount: Int
    let trustedProxies: [CIDRBlock]
    let proxyHeaderTimeout: TimeAmount

    func install(on channel: any Channel) throws {
        let operations = channel.pipeline.syncOperations
        let snapshot = state?.snapshot
        guard let tablePort, let snapshot, let peer = channel.remoteAddress, let proxy = snapshot.proxyProtocol[tablePort] else {
            return try proceed(channel, client: channel.remoteAddress, snapshot: snapshot)
        }
        guard limits.admit(channel) else { return try refuseOverLimit(operations, snapshot: snapshot) }
        let trusted = SourceRanges.bytes(peer).map { bytes in trustedProxies.contains { $0.contains(bytes) } } ?? false
        if !trusted, proxy.required {
            limits.refusedProxy(peer, reason: "not a trusted proxy (--trusted-proxies), and port \(tablePort) requires a PROXY header")
            return try operations.addHandler(SourceRefusal())
        }
        let trust: ProxyHeaderReader.Trust = trusted ? .trusted(required: proxy.required, v1: proxy.acceptsV1, v2: proxy.acceptsV2) : .untrusted
        try operations.addHandler(ProxyHeaderReader(
            trust: trust, timeout: proxyHeaderTimeout,
            proceed: { client in try proceed(channel, client: client ?? peer, snapshot: snapshot, afterProxy: true) },
            refuse: { reason in limits.refusedProxy(peer, reason: reason) }))
    }

    /// Over `--max-connections`: a 503 in cleartext, except where the client expects TLS (or a
    /// PROXY header comes first): there the connection is only closed.
    private func refuseOverLimit(_ operations: ChannelPipeline.SynchronousOperations, snapshot: TableState.Snapshot?) throws {
        if let tablePort, let snapshot, snapshot.tls.tlsPorts.contains(tablePort) || snapshot.proxyProtocol[tablePort] != nil {
            return try operations.addHandler(SourceRefusal())
        }
        try operations.addHandler(ConnectionRefusal())
    }

    /// Source rules on `client`, then TLS or the connection handler. After a PROXY header the
    /// connection is already active: a refusal closes it at once.
    private func proceed(_ channel: any Channel, client: SocketAddress?, snapshot: TableState.Snapshot?, afterProxy: Bool = false) throws {
        let operations = channel.pipeline.syncOperations
        if let tablePort, let snapshot, let client {
            let verdict = snapshot.admits(port: tablePort, address: client)
            if !verdict.admitted {
                limits.refusedSource(client, rule: verdict.reason)
                if afterProxy { channel.close(promise: nil); return }
                return try operations.addHandler(SourceRefusal())
            }
        }
        if !afterProxy { guard limits.admit(channel) else { return try refuseOverLimit(operations, snapshot: snapshot) } }
        // The connection handler reads requests with its own parser and writes the bytes
        // `ClientWriter` makes: no HTTP codec in the pipeline.
        let peer = client?.ipAddress
        let connection = { (operations: ChannelPipeline.SynchronousOperations) in
            try operations.addHandler(GatewayConnectionHandler(shared: shared, tablePort: tablePort, peer: peer, maxHeadBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount))
        }
        if let tablePort, let state, let snapshot, snapshot.tls.tlsPorts.contains(tablePort) {
            return try TLSAccept.install(on: channel, port: tablePort, state: state, handshakeTimeout: snapshot.tls.handshakeTimeout(port: tablePort), connection: connection)
        }
        try connection(operations)
    }
}
