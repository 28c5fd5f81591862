import GatewayIR

/// Reads a client credential from where a policy's `location` says: a header (after its prefix,
/// compared without regard to case, as HTTP auth schemes are), a query parameter or a cookie.
/// An `expression` location (CEL) reads nothing: gwrun cannot evaluate it (lint: GW420).
struct CredentialReader: Sendable {
    let kind: CredentialLocationKind
    /// Lower-cased for a header.
    let name: String
    let prefix: String

    init(kind: CredentialLocationKind, name: String, prefix: String) {
        self.kind = kind
        self.name = kind == .header ? name.lowercased() : name
        self.prefix = prefix
    }

    /// The credential; nil when the request carries none there (an empty value counts as none).
    func read(_ request: IncomingRequest) -> String? {
        let value: String?
        switch kind {
        case .header:
            guard let header = request.header(name) else { return nil }
            guard header.utf8.count >= prefix.utf8.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() else { return nil }
            value = String(header.dropFirst(prefix.count)).trimmingSpaces()
        case .queryParameter:
            value = RouteRequest.parseQuery(request.query).first { $0.name == name }?.value
        case .cookie:
            value = request.headers.filter { HeaderName.matches($0.name, "cookie") }
                .flatMap { $0.value.split(separator: ";") }
                .compactMap { pair -> String? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingSpaces() == name else { return nil }
                    return parts[1].trimmingSpaces()
                }.first
        case .expression:
            value = nil
        }
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// The header the credential came in, which does not go upstream; nil for other locations.
    var headerToRemove: String? { kind == .header ? name : nil }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
