import GatewayIR
import NIOCore
import NIOSSL

/// The TLS side of a table: for each served port with HTTPS listeners, one server context per
/// listener (its certificate from the Secret, the port's `frontend.tls` settings) and the order
/// SNI picks them in. Built with each snapshot, so a reload (or a rotated certificate) reaches the
/// next connection while open ones keep the context they started with.
public struct TLSTermination: Sendable {
    struct Site: Sendable {
        var listener: String
        /// nil: the listener has no hostname (it takes any name, and clients that send none).
        var hostname: String?
        var context: NIOSSLContext
    }

    struct Port: Sendable {
        /// Exact hostnames first, then wildcards (longest first), then the listener without hostname.
        var sites: [Site]
        var handshakeTimeout: TimeAmount
    }

    /// Why a listener cannot be served over TLS; it names the listener and the Secret, never a value.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    var ports: [Int: Port] = [:]

    public init() {}

    public var tlsPorts: Set<Int> { Set(ports.keys) }

    /// Contexts for every Terminate listener on `servedPorts` of the served Gateways. Throws when
    /// one cannot be built: gwrun never serves an HTTPS listener in cleartext.
    public static func load(table: RouteTable, secrets: SecretStore, gateway: Int?, servedPorts: [Int]) throws -> TLSTermination {
        var termination = TLSTermination()
        for gatewayIndex in 0..<table.count(.gateways) where gateway == nil || gateway == gatewayIndex {
            let record = table.gateway(gatewayIndex)
            for listenerIndex in record.listeners {
                let listener = table.listener(listenerIndex)
                guard listener.tlsMode == .terminate, servedPorts.contains(listener.port) else { continue }
                let settings = table.frontend(gateway: gatewayIndex, port: listener.port).tls
                let name = "listener \"\(listener.name)\" of Gateway \(record.namespace)/\(record.name) (port \(listener.port))"
                let context = try makeContext(table: table, listener: listener, settings: settings, secrets: secrets, name: name)
                var port = termination.ports[listener.port] ?? Port(sites: [], handshakeTimeout: .milliseconds(Int64(settings.handshakeMilliseconds)))
                port.sites.append(Site(listener: listener.name, hostname: listener.hostname, context: context))
                termination.ports[listener.port] = port
            }
        }
        for (number, port) in termination.ports {
            termination.ports[number]?.sites = port.sites.sorted { a, b in
                func rank(_ site: Site) -> (Int, Int) {
                    guard let host = site.hostname else { return (2, 0) }
                    return host.hasPrefix("*.") ? (1, -host.utf8.count) : (0, 0)
                }
                return rank(a) < rank(b)
            }
        }
        return termination
    }

    /// The context for a client's SNI name (nil when it sent none): an exact hostname, else the
    /// longest matching wildcard, else the listener without hostname; nil when none takes it.
    func context(port: Int, serverName: String?) -> NIOSSLContext? {
        guard let sites = ports[port]?.sites else { return nil }
        let name = serverName.map { $0.lowercased().hasSuffix(".") ? String($0.lowercased().dropLast()) : $0.lowercased() }
        for site in sites {
            guard let host = site.hostname else { return site.context }
            guard let name else { continue }
            if host.hasPrefix("*.") {
                // A wildcard covers one or more labels before its suffix, as Gateway API hostnames do.
                if name.hasSuffix(host.dropFirst()), name.utf8.count > host.utf8.count - 1 { return site.context }
            } else if host == name {
                return site.context
            }
        }
        return nil
    }

    func handshakeTimeout(port: Int) -> TimeAmount { ports[port]?.handshakeTimeout ?? .seconds(15) }

    private static func makeContext(table: RouteTable, listener: RouteTable.ListenerRecord, settings: FrontendSettings.TLS, secrets: SecretStore, name: String) throws -> NIOSSLContext {
        // gwrun serves the first certificateRef (BoringSSL takes one chain per context); lint says so.
        guard let pair = listener.certificates.first else {
            throw Refusal(description: "\(name) is HTTPS but has no certificateRef gwrun can read (a core Secret in its namespace, or one a ReferenceGrant permits); it is not served in cleartext")
        }
        let certificateRef = table.secretRef(pair.certificate), keyRef = table.secretRef(pair.key)
        let secretName = "Secret \(certificateRef.namespace)/\(certificateRef.name)"
        guard let certificatePEM = secrets.value(for: .init(namespace: certificateRef.namespace, name: certificateRef.name, key: certificateRef.key)),
              let keyPEM = secrets.value(for: .init(namespace: keyRef.namespace, name: keyRef.name, key: keyRef.key)) else {
            throw Refusal(description: "\(name): \(secretName) has no tls.crt and tls.key")
        }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM.reveal()) } catch { chain = [] }
        guard !chain.isEmpty else { throw Refusal(description: "\(name): \(secretName) key tls.crt holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: keyPEM.reveal(), format: .pem) } catch {
            throw Refusal(description: "\(name): \(secretName) key tls.key holds no PEM private key gwrun can read (RSA, EC or Ed25519, unencrypted)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        apply(settings, to: &configuration)
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return context
        } catch {
            // BoringSSL checks the key against the certificate here.
            throw Refusal(description: "\(name): \(secretName) cannot be used for TLS: the key does not match the certificate, or a setting is refused (\(error))")
        }
    }

    /// `frontend.tls` onto BoringSSL: versions (TLS 1.2 minimum by default), TLS 1.2 cipher suites
    /// (a list without TLS 1.3 suites turns TLS 1.3 off, one without TLS 1.2 suites turns 1.2 off,
    /// as agentgateway's list means), key exchange groups, and ALPN `http/1.1` only.
    static func apply(_ settings: FrontendSettings.TLS, to configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = settings.minVersion == 13 ? .tlsv13 : .tlsv12
        configuration.maximumTLSVersion = settings.maxVersion == 12 ? .tlsv12 : nil
        if !settings.cipherSuites.isEmpty {
            let tls12 = settings.cipherSuites.compactMap(Self.tls12Cipher)
            let has13 = settings.cipherSuites.contains { $0.hasPrefix("TLS13_") }
            if !tls12.isEmpty { configuration.cipherSuiteValues = tls12 } else { configuration.minimumTLSVersion = .tlsv13 }
            if !has13 { configuration.maximumTLSVersion = .tlsv12 }
        }
        let curves = settings.keyExchangeGroups.compactMap(Self.curve)
        if !curves.isEmpty { configuration.curves = curves }
        configuration.applicationProtocols = settings.alpnProtocols.isEmpty || settings.alpnProtocols.contains("http/1.1") ? ["http/1.1"] : []
    }

    static func tls12Cipher(_ name: String) -> NIOTLSCipher? {
        switch name {
        case "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        case "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        case "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        case "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        case "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        case "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        default: nil
        }
    }

    static func curve(_ name: String) -> NIOTLSCurve? {
        switch name {
        case "P-256": .secp256r1
        case "P-384": .secp384r1
        case "X25519": .x25519
        case "X25519_MLKEM768": .x25519_MLKEM768
        default: nil
        }
    }
}
