/// A JSON object written field by field into bytes, for the access log's fixed shape: no string
/// is built on the way (the log runs once per request).
struct JSONLine {
    private(set) var bytes: [UInt8] = []
    private var first = true

    /// A line appended to `bytes` (a batch of earlier lines, or none).
    init(appendingTo bytes: consuming [UInt8] = []) {
        // Moved, not copied: a copy would make the append below duplicate the whole batch (measured:
        // 25 times slower with 32 KiB waiting). No reserveCapacity either: it would grow a batch
        // to the exact size, copying it for every line.
        self.bytes = consume bytes
        self.bytes.append(0x7B)
    }

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(0x2C) }
        first = false
        bytes.append(0x22)
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    mutating func field(_ name: StaticString, string value: String) {
        key(name)
        bytes.append(0x22)
        let utf8 = value.utf8
        // Most values need no escape: copied whole.
        if utf8.withContiguousStorageIfAvailable({ !$0.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }) == true {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(0x22)
    }

    /// A time as `2026-11-22T06:05:10.123Z`: `second` holds it up to the second (no escaping needed).
    mutating func field(_ name: StaticString, second: [UInt8], milliseconds: Int) {
        key(name)
        bytes.append(0x22)
        bytes.append(contentsOf: second)
        bytes.append(0x2E)
        bytes.appendDecimal(milliseconds, width: 3)
        bytes.append(0x5A)
        bytes.append(0x22)
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case 0x22, 0x5C: bytes.append(0x5C); bytes.append(byte)
        case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
        case 0x0D: bytes.append(0x5C); bytes.append(0x72)
        case 0x09: bytes.append(0x5C); bytes.append(0x74)
        case 0..<0x20:
            bytes.append(0x5C); bytes.append(0x75); bytes.append(0x30); bytes.append(0x30)
            bytes.append(Self.hexDigit(byte >> 4)); bytes.append(Self.hexDigit(byte & 0xF))
        default: bytes.append(byte)
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

    /// A value already serialised as JSON (an array or object made by another JSONLine).
    mutating func field(_ name: StaticString, json value: [UInt8]) {
        key(name)
        bytes.append(contentsOf: value)
    }

    /// The object so far without its closing brace or newline (for a nested object).
    mutating func finishObject() -> [UInt8] {
        bytes.append(0x7D)
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }

    mutating func field(_ name: StaticString, integer value: Int) {
        key(name)
        bytes.appendDecimal(value)
    }

    /// Milliseconds with three decimals (microseconds).
    mutating func field(_ name: StaticString, milliseconds value: Double) {
        key(name)
        let micros = Int((value * 1000).rounded())
        bytes.appendDecimal(micros / 1000)
        bytes.append(0x2E)
        bytes.appendDecimal(abs(micros % 1000), width: 3)
    }

    /// The bytes, the line ended, taken out of the line. (Mutating and swapped out, not consuming:
    /// consuming a `var` copies it, and the appends would then duplicate a whole batch.)
    mutating func finish() -> [UInt8] {
        bytes.append(0x7D)
        bytes.append(0x0A)
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }
}

extension Array where Element == UInt8 {
    /// `value` in decimal, left-padded with zeros to `width` digits.
    mutating func appendDecimal(_ value: Int, width: Int = 1) {
        if value < 0 { append(0x2D) }
        let magnitude = value.magnitude
        var divisor: UInt = 1
        var digits = 1
        while magnitude / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<Swift.max(width, digits) { append(0x30) }
        while divisor > 0 {
            append(UInt8(magnitude / divisor % 10) + 0x30)
            divisor /= 10
        }
    }
}
