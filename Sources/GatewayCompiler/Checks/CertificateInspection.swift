import Foundation
import GatewayIR
import SwiftASN1
import X509

/// What `gwc lint` checks in an HTTPS listener's `kubernetes.io/tls` Secret, with swift-certificates:
/// the PEM pair parses, the key belongs to the first certificate, that certificate covers the
/// listener's hostname (subjectAltName DNS names, wildcards of one label), it is valid now (and
/// for how many more days), and each further certificate issues the one before it. Findings carry
/// no key material: only names, dates and counts.
struct CertificateInspection {
    enum Finding: Equatable {
        case unusable(String)
        case nameMismatch(String)
        case notValidNow(String)
        case expiring(days: Int)
        case validFor(days: Int)
        case chainOrder(String)
    }

    /// Days under which an expiry is a warning.
    static let warningDays = 14

    static func inspect(certificatePEM: String, keyPEM: String, hostname: String?, now: Date) -> [Finding] {
        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: certificatePEM).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
        } catch {
            return [.unusable("tls.crt is not a PEM certificate chain")]
        }
        guard let leaf = chain.first else { return [.unusable("tls.crt holds no CERTIFICATE block")] }
        var findings: [Finding] = []
        // The certificate's own checks run even when the key is unusable: all problems at once.
        if let key = try? Certificate.PrivateKey(pemEncoded: keyPEM) {
            if key.publicKey != leaf.publicKey { findings.append(.unusable("tls.key is not the key of the certificate in tls.crt (\(leaf.subject))")) }
        } else {
            findings.append(.unusable("tls.key is not an unencrypted PEM private key (RSA, EC or PKCS#8)"))
        }
        if let hostname, let problem = Self.nameProblem(leaf, hostname: hostname) { findings.append(.nameMismatch(problem)) }
        if now > leaf.notValidAfter {
            findings.append(.notValidNow("the certificate (\(leaf.subject)) expired on \(Self.day(leaf.notValidAfter))"))
        } else if now < leaf.notValidBefore {
            findings.append(.notValidNow("the certificate (\(leaf.subject)) is not valid before \(Self.day(leaf.notValidBefore))"))
        } else {
            let days = Int(leaf.notValidAfter.timeIntervalSince(now) / 86_400)
            findings.append(days < Self.warningDays ? .expiring(days: days) : .validFor(days: days))
        }
        for index in chain.indices.dropFirst() where chain[index].subject != chain[index - 1].issuer {
            findings.append(.chainOrder("certificate \(index + 1) in tls.crt (\(chain[index].subject)) did not issue certificate \(index) (whose issuer is \(chain[index - 1].issuer))"))
            break
        }
        return findings
    }

    /// Why `leaf` does not cover `hostname`, or nil when it does. A wildcard listener needs the
    /// same wildcard in the certificate; an exact one an equal name or a one-label wildcard.
    static func nameProblem(_ leaf: Certificate, hostname: String) -> String? {
        let names: [String]
        do {
            names = try leaf.extensions.subjectAlternativeNames.map { sans in sans.compactMap { if case .dnsName(let name) = $0 { name.lowercased() } else { nil } } } ?? []
        } catch {
            return "its subjectAltName extension cannot be read"
        }
        guard !names.isEmpty else { return "it has no subjectAltName DNS names (clients ignore the common name)" }
        let host = hostname.lowercased()
        let covered = names.contains { name in
            if name == host { return true }
            guard name.hasPrefix("*."), !host.hasPrefix("*.") else { return false }
            let suffix = name.dropFirst(1)  // ".example.com"
            return host.hasSuffix(suffix) && !host.dropLast(suffix.count).contains(".")
        }
        return covered ? nil : "it names \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", ..." : ""), not \(hostname)"
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
