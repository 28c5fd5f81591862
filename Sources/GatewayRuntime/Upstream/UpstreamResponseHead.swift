import NIOCore
import NIOHTTP1

/// The head of a plain upstream's answer, parsed once from its bytes: its status, how its body is
/// framed, whether the connection may be reused, and which header lines go on to the client
/// (hop-by-hop ones do not). Writing it for the client copies those lines as they came.
public struct UpstreamResponseHead {
    public enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
        /// No length and no chunking: the body ends when the upstream closes the connection.
        case untilClose
    }

    public let status: Int
    public let framing: Framing
    public let keepAlive: Bool
    private let bytes: ByteBuffer
    /// The status line after its version (" 200 OK\r\n"), as offsets into `bytes`' readable bytes.
    private let statusRest: Range<Int>
    /// Header lines that go on, each with its CRLF; `isTransferEncoding` marks the one a dechunked
    /// body must drop.
    private let lines: [(range: Range<Int>, nameLength: Int, isTransferEncoding: Bool)]

    public init(parsing head: ByteBuffer, requestWasHead: Bool) throws {
        bytes = head
        var status = 0
        var isHTTP10 = false
        var statusRest = 0..<0
        var lines: [(range: Range<Int>, nameLength: Int, isTransferEncoding: Bool)] = []
        var contentLength: Int?
        var transferEncoding: (present: Bool, chunked: Bool) = (false, false)
        var connectionClose = false
        var connectionKeepAlive = false
        try head.withUnsafeReadableBytes { bytes in
            // "HTTP/1.x SP 3DIGIT [SP reason] CRLF"
            guard let statusEnd = Self.lineEnd(bytes, from: 0), statusEnd >= 12,
                  bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50, bytes[4] == 0x2F, bytes[5] == 0x31, bytes[6] == 0x2E,
                  bytes[7] == 0x30 || bytes[7] == 0x31, bytes[8] == 0x20,
                  let hundreds = Self.digit(bytes[9]), let tens = Self.digit(bytes[10]), let units = Self.digit(bytes[11]),
                  bytes[12] == 0x20 || bytes[12] == 0x0D
            else { throw Self.malformed("an unreadable status line") }
            isHTTP10 = bytes[7] == 0x30
            status = hundreds * 100 + tens * 10 + units
            statusRest = 8..<(statusEnd + 2)
            var start = statusEnd + 2
            while start < bytes.count - 2 {
                guard let end = Self.lineEnd(bytes, from: start) else { throw Self.malformed("a header line without CRLF") }
                guard bytes[start] != 0x20, bytes[start] != 0x09 else { throw Self.malformed("a folded header line") }
                var colon = start
                while colon < end, bytes[colon] != 0x3A { colon += 1 }
                guard colon < end, colon > start, bytes[colon - 1] != 0x20, bytes[colon - 1] != 0x09 else { throw Self.malformed("a header line without a name") }
                let name = UnsafeRawBufferPointer(rebasing: bytes[start..<colon])
                var valueStart = colon + 1
                var valueEnd = end
                while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
                while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
                var keep = true
                var isTransferEncoding = false
                switch name.count {
                case 14 where Self.equals(name, "content-length"):
                    guard let length = Self.decimal(value), contentLength == nil || contentLength == length else {
                        throw Self.malformed("an invalid or conflicting content-length")
                    }
                    contentLength = length
                case 17 where Self.equals(name, "transfer-encoding"):
                    isTransferEncoding = true
                    transferEncoding.present = true
                    transferEncoding.chunked = Self.lastTokenIs(value, "chunked")
                case 10 where Self.equals(name, "connection"):
                    keep = false
                    if Self.hasToken(value, "close") { connectionClose = true }
                    if Self.hasToken(value, "keep-alive") { connectionKeepAlive = true }
                case 2 where Self.equals(name, "te"), 7 where Self.equals(name, "upgrade") || Self.equals(name, "trailer"),
                     10 where Self.equals(name, "keep-alive"), 16 where Self.equals(name, "proxy-connection"):
                    keep = false
                default:
                    break
                }
                if keep { lines.append((start..<(end + 2), colon - start, isTransferEncoding)) }
                start = end + 2
            }
        }
        self.status = status
        self.statusRest = statusRest
        self.lines = lines
        if requestWasHead || status == 204 || status == 304 || status < 200 {
            framing = .none
        } else if transferEncoding.present {
            framing = transferEncoding.chunked ? .chunked : .untilClose
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
        }
        // Both a length and chunking (RFC 9112 §6.3): chunking wins, and the connection is not reused.
        let reusable = !(transferEncoding.present && contentLength != nil) && framing != .untilClose
        keepAlive = reusable && !connectionClose && (!isHTTP10 || connectionKeepAlive)
    }

    /// Writes the head for the client: its HTTP version, the upstream's status line and kept
    /// header lines as they came (or `replacing` ones instead), and `connection` when set.
    public func write(to out: inout ByteBuffer, version: HTTPVersion, dechunked: Bool, connection: StaticString?,
               replacing headers: [(name: String, value: String)]? = nil) {
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0" : "HTTP/1.1")
        bytes.withUnsafeReadableBytes { bytes in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[statusRest]))
            guard headers == nil else { return }
            for line in lines where !(dechunked && line.isTransferEncoding) {
                out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[line.range]))
            }
        }
        for header in headers ?? [] where !(dechunked && HeaderName.matches(header.name, "transfer-encoding")) {
            guard !HeaderName.hasLineBreak(header.name), !HeaderName.hasLineBreak(header.value) else { continue }
            out.writeString(header.name)
            out.writeStaticString(": ")
            out.writeString(header.value)
            out.writeStaticString("\r\n")
        }
        if let connection {
            out.writeStaticString("connection: ")
            out.writeStaticString(connection)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
    }

    /// The header lines that go on, as name and value (for a rule's response header modifiers).
    public var headers: [(name: String, value: String)] {
        bytes.withUnsafeReadableBytes { bytes in
            lines.map { line in
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line.range.lowerBound..<(line.range.lowerBound + line.nameLength)]), as: UTF8.self)
                var low = line.range.lowerBound + line.nameLength + 1
                var high = line.range.upperBound - 2
                while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
                while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
                return (name, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[low..<high]), as: UTF8.self))
            }
        }
    }

    // MARK: Byte helpers

    private static func malformed(_ what: String) -> UpstreamResponseParser.Malformed {
        UpstreamResponseParser.Malformed(description: "the upstream's answer has \(what)")
    }

    /// The index of the CR of the CRLF ending the line that starts at `start`.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D { return bytes[index + 1] == 0x0A ? index : nil }
            if bytes[index] == 0x0A { return nil }
            index += 1
        }
        return nil
    }

    private static func digit(_ byte: UInt8) -> Int? { byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil }

    private static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            for index in 0..<expected.count where lower(bytes[index]) != expected[index] { return false }
            return true
        }
    }

    /// The comma-separated tokens of a header value.
    private static func tokens(_ value: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var result: [UnsafeRawBufferPointer] = []
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == 0x2C {
            var low = start
            var high = index
            while low < high, value[low] == 0x20 || value[low] == 0x09 { low += 1 }
            while high > low, value[high - 1] == 0x20 || value[high - 1] == 0x09 { high -= 1 }
            if low < high { result.append(UnsafeRawBufferPointer(rebasing: value[low..<high])) }
            start = index + 1
        }
        return result
    }

    private static func hasToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        tokens(value).contains { equals($0, token) }
    }

    private static func lastTokenIs(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        tokens(value).last.map { equals($0, token) } ?? false
    }
}
