/// Reads a client credential from where a policy's `location` says: a header (after its prefix,
/// compared without regard to case, as HTTP auth schemes are), a query parameter (as sent, not
/// percent-decoded) or a cookie. An `expression` location (CEL) reads nothing: gwrun cannot
/// evaluate it (lint: GW420). gwrun and `gwc route` read credentials with this one type.
public struct CredentialReader: Sendable {
    public let kind: CredentialLocationKind
    /// Lower-cased for a header.
    public let name: String
    public let prefix: String

    public init(kind: CredentialLocationKind, name: String, prefix: String) {
        self.kind = kind
        self.name = kind == .header ? name.lowercased() : name
        self.prefix = prefix
    }

    public init(_ record: RouteTable.PolicyRecord) {
        self.init(kind: record.locationKind, name: record.locationName, prefix: record.locationPrefix)
    }

    /// The credential; nil when the request carries none there (an empty value counts as none).
    public func read(headers: [(name: String, value: String)], query: String) -> String? {
        read(headers: headers, queryItems: kind == .queryParameter ? RouteRequest.parseQuery(query) : [])
    }

    public func read(headers: [(name: String, value: String)], queryItems: [(name: String, value: String)]) -> String? {
        func header(_ wanted: String) -> [String] { headers.filter { $0.name.lowercased() == wanted }.map(\.value) }
        let value: String?
        switch kind {
        case .header:
            guard let header = header(name).first else { return nil }
            guard header.utf8.count >= prefix.utf8.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() else { return nil }
            value = String(header.dropFirst(prefix.count)).trimmingSpaces()
        case .queryParameter:
            value = queryItems.first { $0.name == name }?.value
        case .cookie:
            value = header("cookie").flatMap { $0.split(separator: ";") }
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
    public var headerToRemove: String? { kind == .header ? name : nil }

    /// `header authorization (prefix "Bearer ")`.
    public var description: String {
        switch kind {
        case .header: "header \(name)" + (prefix.isEmpty ? "" : " (prefix \"\(prefix)\")")
        case .queryParameter: "query parameter \(name)"
        case .cookie: "cookie \(name)"
        case .expression: "a CEL expression gwrun cannot evaluate"
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
