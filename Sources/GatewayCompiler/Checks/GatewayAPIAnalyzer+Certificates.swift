import Foundation
import GatewayIR

extension GatewayAPIAnalyzer {
    /// The date certificates are checked against: now, or `GWC_NOW` (`YYYY-MM-DD`, from the
    /// environment gwc runs in) so that a report can be reproduced on another day.
    var certificateClock: Date {
        if let text = options.environment["GWC_NOW"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            if let date = formatter.date(from: text) { return date }
        }
        return Date()
    }

    /// Reports what `CertificateInspection` finds in a listener's TLS Secret, at the Secret's
    /// `tls.crt` (or `tls.key`) line; returns the reason when the pair cannot be served at all
    /// (the caller turns it into the listener's InvalidCertificateRef condition).
    mutating func inspectCertificate(_ secret: Secret, listener: Listener, object: String, referencedAt reference: SourceLocation) -> String? {
        let certificate = secret.values["tls.crt"]?.revealString() ?? "", key = secret.values["tls.key"]?.revealString() ?? ""
        let at = secret.keyLocations["tls.crt"] ?? secret.meta.location
        let secretName = "Secret \(secret.meta.namespace)/\(secret.meta.name)"
        let hostname = listener.hostname
        let note = DiagnosticNote("certificateRef of listener \"\(listener.name)\"", at: reference)
        var unusable: String?
        for finding in CertificateInspection.inspect(certificatePEM: certificate, keyPEM: key, hostname: hostname, now: certificateClock) {
            switch finding {
            case .unusable(let reason):
                unusable = "\(secretName): \(reason)"
            case .nameMismatch(let reason):
                diagnostics.append(Diagnostic(
                    .certificateNameMismatch, "listener \"\(listener.name)\" (hostname \(hostname ?? "")) is served with \(secretName), whose certificate does not cover it: \(reason)",
                    at: at, notes: [note], fix: "issue a certificate with subjectAltName DNS:\(hostname ?? "") (or a wildcard for its parent domain)", object: object))
            case .notValidNow(let reason):
                diagnostics.append(Diagnostic(.certificateNotValidNow, "listener \"\(listener.name)\": \(secretName): \(reason); clients refuse it", at: at, notes: [note], fix: "renew the certificate and update the Secret", object: object))
            case .expiring(let days):
                diagnostics.append(Diagnostic(.certificateExpiring, "listener \"\(listener.name)\": \(secretName)'s certificate expires in \(days) day\(days == 1 ? "" : "s")", at: at,
                                              notes: [note], fix: "renew it now (cert-manager renews 30 days ahead by default)", object: object))
            case .validFor(let days):
                diagnostics.append(Diagnostic(.certificateValidity, "listener \"\(listener.name)\": \(secretName)'s certificate is valid for \(days) more days", at: at, notes: [note], object: object))
            case .chainOrder(let reason):
                diagnostics.append(Diagnostic(.certificateChainOrder, "listener \"\(listener.name)\": \(secretName): \(reason)", at: at, notes: [note],
                                              fix: "write tls.crt leaf first, then the certificate that issued it, and so on up to (not including) the root", object: object))
            }
        }
        return unusable
    }
}
