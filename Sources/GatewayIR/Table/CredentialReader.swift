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
        let value: Substring?
        switch kind {
        case .header:
            // On every request of the route: compared in place, nothing allocated but the result.
            guard let header = headers.first(where: { $0.name.caseInsensitiveEquals(name) })?.value else { return nil }
            guard Self.hasPrefix(header, prefix) else { return nil }
            value = Self.trimmed(header.utf8.dropFirst(prefix.utf8.count))
        case .queryParameter:
            value = queryItems.first { $0.name == name }.map { Substring($0.value) }
        case .cookie:
            value = headers.lazy.filter { $0.name.caseInsensitiveEquals("cookie") }
                .flatMap { $0.value.split(separator: ";") }
                .compactMap { pair -> Substring? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, Self.trimmed(parts[0].utf8) == Substring(name) else { return nil }
                    return Self.trimmed(parts[1].utf8)
                }.first
        case .expression:
            value = nil
        }
        guard let value, !value.isEmpty else { return nil }
        return String(value)
    }

    /// Whether `text` starts with `prefix`, ASCII letters compared without regard to case.
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        guard text.utf8.count >= prefix.utf8.count else { return false }
        return zip(text.utf8, prefix.utf8).allSatisfy { a, b in a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A) }
    }

    /// Without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: Substring.UTF8View) -> Substring {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else { return "" }
        return Substring(bytes[first...last])
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
