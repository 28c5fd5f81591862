import NIOCore

/// Reads RESP2 values from a connection's bytes as they arrive, in any pieces (docs/redis.md).
/// A value split over reads is read again from its start once the rest came: answers are small
/// (a script's three integers), so that costs less than keeping a partial parse.
struct RESPDecoder {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Deepest nesting of arrays accepted, and longest bulk string (a misbehaving server must not
    /// make gwrun recurse or allocate without bound).
    static let maxDepth = 8
    static let maxBulkBytes = 1 << 20

    private var buffer = ByteBuffer()

    mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// The next whole value, nil when more bytes are needed.
    mutating func next() throws -> RESPValue? {
        var reader = buffer
        guard let value = try Self.value(&reader, depth: 0) else { return nil }
        buffer = reader
        if buffer.readableBytes == 0 { buffer.clear() } else if buffer.readerIndex > 4096 { buffer.discardReadBytes() }
        return value
    }

    private static func value(_ reader: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard depth <= maxDepth else { throw Malformed(description: "arrays nested deeper than \(maxDepth)") }
        guard let kind = reader.getInteger(at: reader.readerIndex, as: UInt8.self) else { return nil }
        guard let line = try Self.line(&reader) else { return nil }
        switch kind {
        case UInt8(ascii: "+"): return .simpleString(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"):
            guard let value = Int64(line) else { throw Malformed(description: "integer reply \"\(line.prefix(32))\"") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1, length <= maxBulkBytes else { throw Malformed(description: "bulk string length \"\(line.prefix(32))\"") }
            if length == -1 { return .bulkString(nil) }
            guard reader.readableBytes >= length + 2, let bytes = reader.readBytes(length: length) else { return nil }
            guard reader.readInteger(as: UInt16.self) == 0x0D0A else { throw Malformed(description: "bulk string not ended by CRLF") }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1, count <= 1 << 16 else { throw Malformed(description: "array length \"\(line.prefix(32))\"") }
            if count == -1 { return .array(nil) }
            var elements: [RESPValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = try value(&reader, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw Malformed(description: "unknown reply type byte \(kind)")
        }
    }

    /// The line after the type byte, without its CRLF; nil when its end has not arrived.
    private static func line(_ reader: inout ByteBuffer) throws -> String? {
        let view = reader.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > 64 * 1024 { throw Malformed(description: "a reply line longer than 64 KiB") }
            return nil
        }
        let start = view.startIndex
        guard newline > start, view[newline - 1] == UInt8(ascii: "\r") else { throw Malformed(description: "a reply line not ended by CRLF") }
        let text = String(decoding: view[(start + 1)..<(newline - 1)], as: UTF8.self)
        reader.moveReaderIndex(forwardBy: newline - start + 1)
        return text
    }
}
