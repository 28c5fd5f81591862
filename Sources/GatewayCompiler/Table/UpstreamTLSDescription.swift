import Crypto
import Foundation
import GatewayIR

/// One line saying how gwrun reaches an upstream over TLS, for `gwc inspect`, `gwc route` and
/// `gwc diff`: what is verified, the SNI, the names, the CAs (by SHA-256 fingerprint, so that a
/// changed CA shows in a diff) and the client certificate's Secret (by name, never its contents).
enum UpstreamTLSDescription {
    static func text(_ table: RouteTable, _ record: RouteTable.UpstreamTLSRecord) -> String {
        var parts: [String] = []
        switch record.verification {
        case .full: parts.append("verified")
        case .chainOnly: parts.append("chain verified, any name (insecureSkipVerify: Hostname)")
        case .none: parts.append("NOT verified (insecureSkipVerify: All)")
        case .refuse: parts.append("refused: its CA certificates could not be read")
        }
        if let sni = record.sni { parts.append("SNI \(sni)") }
        if !record.names.isEmpty { parts.append("names \(record.names.joined(separator: ", "))") }
        if record.usesSystemTrust {
            parts.append("system CAs")
        } else {
            let fingerprints = record.caCertificates.compactMap { Data(base64Encoded: $0) }.map { der in
                "sha256:" + SHA256.hash(data: der).prefix(8).map { String(format: "%02x", $0) }.joined()
            }
            if !fingerprints.isEmpty { parts.append("CAs \(fingerprints.joined(separator: ", "))") }
            if let secret = record.caSecret { parts.append("CAs from Secret \(TableInspector.describeSecretRef(table, secret.index))") }
        }
        if let certificate = record.clientCertificate { parts.append("client certificate Secret \(certificate.namespace)/\(certificate.name)") }
        return parts.joined(separator: "; ")
    }
}
