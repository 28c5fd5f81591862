/// Gateway API hostname semantics: exact names and a single leading `*.` wildcard label, which
/// matches one or more labels (`*.example.com` matches `a.b.example.com`, not `example.com`).
public enum Hostname {
    /// Whether a concrete host (no port, lower case) matches a pattern.
    public static func matches(pattern: String, host: String) -> Bool {
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)  // ".example.com"
            return host.count > suffix.count && host.hasSuffix(suffix)
        }
        return pattern == host
    }

    /// The hostnames both a listener and a route accept, or nil when they share none.
    /// An empty result list means "no restriction" (neither side names a hostname).
    public static func intersect(listener: String?, route: [String]) -> [String]? {
        guard let listener else { return route }
        if route.isEmpty { return [listener] }
        let shared = route.compactMap { intersect(listener, $0) }
        return shared.isEmpty ? nil : shared
    }

    /// The narrower of two patterns when one contains the other.
    public static func intersect(_ a: String, _ b: String) -> String? {
        if a == b { return a }
        let aWild = a.hasPrefix("*."), bWild = b.hasPrefix("*.")
        switch (aWild, bWild) {
        case (false, false): return nil
        case (true, false): return matches(pattern: a, host: b) ? b : nil
        case (false, true): return matches(pattern: b, host: a) ? a : nil
        case (true, true):
            if matches(pattern: a, host: String(b.dropFirst(2))) || b.hasSuffix(String(a.dropFirst(1))) { return b }
            if a.hasSuffix(String(b.dropFirst(1))) { return a }
            return nil
        }
    }

    /// Strips a `:port` suffix and lower-cases, as matching requires.
    public static func normalize(hostHeader: String) -> String {
        // Runs for every request: bytes, not Characters, and no copy when already normal.
        let bytes = hostHeader.utf8
        var end = bytes.endIndex
        if bytes.first == UInt8(ascii: "[") {
            if let close = bytes.firstIndex(of: UInt8(ascii: "]")) { end = bytes.index(after: close) }
        } else if let colon = bytes.lastIndex(of: UInt8(ascii: ":")),
                  bytes[bytes.index(after: colon)...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            end = colon
        }
        // `end` sits on an ASCII byte (`]`'s successor or `:`), so it splits on a character boundary.
        let host = hostHeader[..<end]
        if host.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) {
            return end == bytes.endIndex ? hostHeader : String(host)
        }
        return host.lowercased()
    }
}
