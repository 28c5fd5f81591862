/// AWS's event-stream framing (`application/vnd.amazon.eventstream`), in which Bedrock's
/// ConverseStream answers: each message is a 12-byte prelude (total length, headers length, the
/// prelude's CRC-32), headers (a name, a type byte, a value), the payload, and a CRC-32 of all
/// before it. Fed bytes as they arrive; returns the messages they complete. A bad length or
/// checksum is an error: the stream cannot be trusted past it.
public struct EventStreamDecoder {
    public struct Message {
        /// String headers (`:event-type`, `:message-type`, `:exception-type`, `:content-type`);
        /// other value types are skipped.
        public var headers: [String: String]
        public var payload: [UInt8]
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Bedrock's messages are small; anything near this is not a stream of its.
    static let maxMessage = 16 << 20
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [Message] {
        buffer.append(contentsOf: bytes)
        var messages: [Message] = []
        while buffer.count - start >= 12 {
            let total = Int(bigEndian32(start)), headersLength = Int(bigEndian32(start + 4))
            guard total >= 16, total <= Self.maxMessage, headersLength <= total - 16 else { throw Malformed(description: "an event-stream message with impossible lengths") }
            guard CRC32.checksum(buffer[start..<start + 8]) == bigEndian32(start + 8) else { throw Malformed(description: "an event-stream prelude with a wrong checksum") }
            guard buffer.count - start >= total else { break }
            guard CRC32.checksum(buffer[start..<start + total - 4]) == bigEndian32(start + total - 4) else { throw Malformed(description: "an event-stream message with a wrong checksum") }
            let headers = try Self.headers(buffer[start + 12..<start + 12 + headersLength])
            messages.append(Message(headers: headers, payload: Array(buffer[start + 12 + headersLength..<start + total - 4])))
            start += total
        }
        if start > 0, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return messages
    }

    private func bigEndian32(_ at: Int) -> UInt32 {
        UInt32(buffer[at]) << 24 | UInt32(buffer[at + 1]) << 16 | UInt32(buffer[at + 2]) << 8 | UInt32(buffer[at + 3])
    }

    static func headers(_ bytes: ArraySlice<UInt8>) throws -> [String: String] {
        var headers: [String: String] = [:]
        var at = bytes.startIndex
        func need(_ count: Int) throws {
            guard bytes.endIndex - at >= count else { throw Malformed(description: "an event-stream header runs past its message") }
        }
        while at < bytes.endIndex {
            try need(1)
            let nameLength = Int(bytes[at])
            try need(1 + nameLength + 1)
            let name = String(decoding: bytes[at + 1..<at + 1 + nameLength], as: UTF8.self)
            let type = bytes[at + 1 + nameLength]
            at += 2 + nameLength
            let fixed: [UInt8: Int] = [0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16]
            if let size = fixed[type] {
                try need(size)
                at += size
            } else if type == 6 || type == 7 {
                try need(2)
                let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
                try need(2 + length)
                if type == 7 { headers[name] = String(decoding: bytes[at + 2..<at + 2 + length], as: UTF8.self) }
                at += 2 + length
            } else {
                throw Malformed(description: "an event-stream header of unknown type \(type)")
            }
        }
        return headers
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it), which event-stream messages carry.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
