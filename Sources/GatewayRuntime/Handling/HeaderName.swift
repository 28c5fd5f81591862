/// Header-name comparisons without allocating a lowercased copy per header (they run for every
/// header of every request).
enum HeaderName {
    /// ASCII case-insensitive equality; `lowercase` must already be lower case.
    static func matches(_ name: String, _ lowercase: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        for expected in lowercase.utf8 {
            guard let byte = utf8.next() else { return false }
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return utf8.next() == nil
    }

    /// Headers that belong to one connection, never forwarded (and `host`/`content-length`,
    /// which gwrun sets itself).
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: matches(name, "te")
        case 4: matches(name, "host")
        case 7: matches(name, "upgrade") || matches(name, "trailer")
        case 10: matches(name, "connection") || matches(name, "keep-alive")
        case 14: matches(name, "content-length")
        case 16: matches(name, "proxy-connection")
        case 17: matches(name, "transfer-encoding")
        default: false
        }
    }

    /// A CR, LF or NUL, which would let a value end a header line early when written out.
    static func hasLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
