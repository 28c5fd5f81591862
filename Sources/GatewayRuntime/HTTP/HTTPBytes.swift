import NIOCore

/// Byte-level helpers for HTTP/1.x heads, shared by the request parser and the upstream answer parser.
enum HTTPBytes {
    /// Writes `name: value` and its CRLF; a field whose name or value holds CR, LF or NUL (which
    /// would end the line early and let it smuggle another) is left out.
    static func writeField(_ field: (name: String, value: String), into out: inout ByteBuffer) {
        guard !HeaderName.hasLineBreak(field.name), !HeaderName.hasLineBreak(field.value) else { return }
        out.writeString(field.name)
        out.writeStaticString(": ")
        out.writeString(field.value)
        out.writeStaticString("\r\n")
    }

    /// The length of the head up to and including its blank line when it is all there, searching
    /// from byte `start` of the readable bytes (no blank line ends before it), and how many bytes
    /// the search examined.
    static func headLength(_ buffer: ByteBuffer, from start: Int) -> (length: Int?, scanned: Int) {
        buffer.withUnsafeReadableBytes { bytes -> (length: Int?, scanned: Int) in
            guard bytes.count >= 4 else { return (nil, 0) }
            var index = max(3, start + 3)
            var scanned = 0
            while index < bytes.count {
                scanned += 1
                let byte = bytes[index]
                if byte == 0x0A {
                    if bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A, bytes[index - 3] == 0x0D { return (index + 1, scanned) }
                    index += 1
                } else if byte == 0x0D {
                    index += 1
                } else {
                    index += 2  // neither CR nor LF: the terminator cannot end at the next byte either
                }
            }
            return (nil, scanned)
        }
    }

    /// The index of the CR of the CRLF ending the line that starts at `start`.
    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D { return bytes[index + 1] == 0x0A ? index : nil }
            if bytes[index] == 0x0A { return nil }
            index += 1
        }
        return nil
    }

    static func digit(_ byte: UInt8) -> Int? { byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil }

    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            for index in 0..<expected.count where lower(bytes[index]) != expected[index] { return false }
            return true
        }
    }

    /// Calls `body` with each comma-separated token of a header value, trimmed, until it returns
    /// false (no array: this runs on every proxied answer's `connection` and `transfer-encoding`).
    static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) {
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == 0x2C {
            var low = start
            var high = index
            while low < high, value[low] == 0x20 || value[low] == 0x09 { low += 1 }
            while high > low, value[high - 1] == 0x20 || value[high - 1] == 0x09 { high -= 1 }
            if low < high, !body(UnsafeRawBufferPointer(rebasing: value[low..<high])) { return }
            start = index + 1
        }
    }

    static func hasToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var found = false
        forEachToken(value) { candidate in
            found = equals(candidate, token)
            return !found
        }
        return found
    }

    static func lastTokenIs(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var last: UnsafeRawBufferPointer?
        forEachToken(value) { candidate in
            last = candidate
            return true
        }
        return last.map { equals($0, token) } ?? false
    }
}
