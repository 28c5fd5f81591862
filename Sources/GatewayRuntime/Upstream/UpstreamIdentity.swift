import Foundation
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Whether an upstream's certificate is for a name (RFC 6125, as browsers check it): its
/// subjectAltName DNS entries, case-insensitively, a wildcard standing for exactly one leftmost
/// label (`*.example.com` is `a.example.com`, not `example.com` or `a.b.example.com`); an address
/// against its IP entries. The subject's common name is not consulted.
enum UpstreamIdentity {
    static func certificate(_ certificate: NIOSSLCertificate, holdsOneOf names: [String]) -> Bool {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der),
            let entries = try? parsed.extensions.subjectAlternativeNames
        else { return false }
        var dnsNames: [String] = [], addresses: [[UInt8]] = []
        for entry in entries {
            switch entry {
            case .dnsName(let name): dnsNames.append(name)
            case .ipAddress(let octets): addresses.append(Array(octets.bytes))
            default: break
            }
        }
        return names.contains { name in
            if let bytes = addressBytes(name) { return addresses.contains(bytes) }
            return dnsNames.contains { matches(pattern: $0, name: name) }
        }
    }

    static func matches(pattern: String, name: String) -> Bool {
        let pattern = normalized(pattern), name = normalized(name)
        guard !pattern.isEmpty, !name.isEmpty else { return false }
        guard pattern.hasPrefix("*.") else { return pattern == name }
        let suffix = pattern.dropFirst(1)  // ".example.com"
        guard name.hasSuffix(suffix), suffix.contains(where: { $0 != "." }) else { return false }
        let label = name.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }

    /// The address's bytes (4 or 16) when `text` is an IPv4 or IPv6 address, else nil.
    static func addressBytes(_ text: String) -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }

    private static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
