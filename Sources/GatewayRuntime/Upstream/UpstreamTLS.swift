import Crypto
import Foundation
import GatewayIR
import NIOCore
import NIOSSL

/// The TLS client side of one upstream TLS setting (docs/upstream-tls.md): TLS 1.2 or newer, ALPN
/// `http/1.1`, the trusted CAs (the system's store, plus `--upstream-ca-file`, unless the setting
/// names its own), an optional client certificate, and what of the server's certificate is
/// checked. Compared by identity: connections pooled for one setting are never used for another.
final class UpstreamTLS: Sendable, Hashable {
    private let context: NIOSSLContext?
    private let failure: String?
    /// The setting's SNI; nil: the destination host when it is a name.
    private let sni: String?
    /// Names the certificate must hold one of (empty: the destination host), checked by gwrun
    /// after BoringSSL has checked the chain; nil: BoringSSL checks the destination host itself
    /// (providers' own endpoints), or no name is checked (`insecureSkipVerify`).
    private let names: [String]?
    /// What the setting is made of (its record's fields, digests of its Secrets' values): a
    /// reload whose setting is the same keeps this object, and with it its pooled connections.
    let identity: String

    struct Unavailable: Error, CustomStringConvertible { let description: String }

    /// Providers' own endpoints: the system trust store and the files given, the host's name.
    init(additionalCAFiles: [String] = []) {
        var configuration = Self.baseConfiguration()
        configuration.additionalTrustRoots = additionalCAFiles.map { .file($0) }
        (context, failure) = Self.makeContext(configuration)
        sni = nil
        names = nil
        identity = "default"
    }

    private init(refusal: String) {
        (context, failure, sni, names, identity) = (nil, refusal, nil, nil, "refusing")
    }

    /// For a TLS record whose context was not made: connections to it fail.
    static let refusing = UpstreamTLS(refusal: "the backend's TLS settings were not loaded: no connection is made")

    /// A backend's own setting; throws when its certificates or key cannot be used (the table is
    /// then refused, as for a listener's certificate).
    init(record: RouteTable.UpstreamTLSRecord, identity: String, secrets: SecretStore, additionalCAFiles: [String], name: String) throws {
        self.identity = identity
        var configuration = Self.baseConfiguration()
        switch record.verification {
        case .full, .refuse, .chainOnly: configuration.certificateVerification = .noHostnameVerification
        case .none: configuration.certificateVerification = .none
        }
        var roots: [NIOSSLCertificate] = []
        for encoded in record.caCertificates {
            guard let der = Data(base64Encoded: encoded).map({ [UInt8]($0) }), let certificate = try? NIOSSLCertificate(bytes: der, format: .der) else {
                throw Unavailable(description: "\(name): a CA certificate in the table does not parse")
            }
            roots.append(certificate)
        }
        if let ref = record.caSecret {
            let reference = SecretStore.Reference(namespace: ref.namespace, name: ref.name, key: ref.key)
            guard let pem = secrets.value(for: reference), let certificates = try? NIOSSLCertificate.fromPEMBytes(pem.reveal()), !certificates.isEmpty else {
                throw Unavailable(description: "\(name): \(reference) holds no PEM CA certificate")
            }
            roots += certificates
        }
        if roots.isEmpty {
            configuration.additionalTrustRoots = additionalCAFiles.map { .file($0) }
        } else {
            configuration.trustRoots = .certificates(roots)
        }
        if let certificateRef = record.clientCertificate, let keyRef = record.clientKey {
            let secret = "Secret \(certificateRef.namespace)/\(certificateRef.name)"
            guard let chainPEM = secrets.value(for: .init(namespace: certificateRef.namespace, name: certificateRef.name, key: certificateRef.key)),
                let chain = try? NIOSSLCertificate.fromPEMBytes(chainPEM.reveal()), !chain.isEmpty
            else { throw Unavailable(description: "\(name): \(secret) key tls.crt holds no PEM certificate") }
            guard let keyPEM = secrets.value(for: .init(namespace: keyRef.namespace, name: keyRef.name, key: keyRef.key)),
                let key = try? NIOSSLPrivateKey(bytes: keyPEM.reveal(), format: .pem)
            else { throw Unavailable(description: "\(name): \(secret) key tls.key holds no PEM private key gwrun can read (unencrypted)") }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        if record.verification == .refuse {
            (context, failure) = (nil, "\(name): gwc could not read the CA certificates its TLS settings name (the table was built with --allow-errors): no connection is made")
        } else {
            (context, failure) = Self.makeContext(configuration)
            if let failure { throw Unavailable(description: "\(name): \(failure)") }
        }
        sni = record.sni
        names = record.verification == .full ? record.names : nil
    }

    func handler(serverHostname host: String) throws -> NIOSSLClientHandler {
        guard let context else { throw Unavailable(description: failure ?? "TLS is unavailable") }
        // SNI carries names only: an address endpoint sends none.
        let isAddress = UpstreamIdentity.addressBytes(host) != nil
        let serverName = sni ?? (isAddress ? nil : host)
        guard let names else {
            // BoringSSL checks `host` (an address against the certificate's IP entries), or,
            // with insecureSkipVerify, nothing of the name.
            return try NIOSSLClientHandler(context: context, serverHostname: serverName)
        }
        let expected = names.isEmpty ? [host] : names
        // The name checked may differ from the SNI, so BoringSSL checks the chain only and the
        // names are checked here, after the handshake and before any byte of the request leaves
        // (swift-nio-ssl holds writes until this check's future completes). The hook is
        // underscored in swift-nio-ssl: it has no stable equivalent that keeps its chain check.
        return try NIOSSLClientHandler._makeSSLClientHandler(context: context, serverHostname: serverName) { certificate, channel in
            guard UpstreamIdentity.certificate(certificate, holdsOneOf: expected) else {
                return channel.eventLoop.makeFailedFuture(Unavailable(description: "the upstream's certificate holds none of the names \(expected.joined(separator: ", "))"))
            }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// A record's fields and the SHA-256 of each Secret value it names, as one string.
    static func identity(of record: RouteTable.UpstreamTLSRecord, secrets: SecretStore) -> String {
        func digest(_ ref: RouteTable.SecretRefRecord?) -> String {
            guard let ref, let value = secrets.value(for: .init(namespace: ref.namespace, name: ref.name, key: ref.key)) else { return "-" }
            return SHA256.hash(data: value.reveal()).map { String(format: "%02x", $0) }.joined()
        }
        let fields = ["\(record.verification.rawValue)", record.sni ?? "-", record.names.joined(separator: ","), record.caCertificates.joined(separator: ","),
                      digest(record.caSecret), digest(record.clientCertificate), digest(record.clientKey)]
        return fields.joined(separator: "|")
    }

    static func == (lhs: UpstreamTLS, rhs: UpstreamTLS) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    private static func baseConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }

    private static func makeContext(_ configuration: TLSConfiguration) -> (NIOSSLContext?, String?) {
        do {
            return (try NIOSSLContext(configuration: configuration), nil)
        } catch {
            return (nil, "TLS cannot be set up: \(error)")
        }
    }
}
