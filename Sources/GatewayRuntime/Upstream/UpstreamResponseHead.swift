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
        lines.reserveCapacity(16)  // one allocation for a usual head, not one per doubling
        var contentLength: Int?
        var transferEncoding: (present: Bool, chunked: Bool) = (false, false)
        var connectionClose = false
        var connectionKeepAlive = false
        try head.withUnsafeReadableBytes { bytes in
            // "HTTP/1.x SP 3DIGIT [SP reason] CRLF"
            guard let statusEnd = HTTPBytes.lineEnd(bytes, from: 0), statusEnd >= 12,
                  bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50, bytes[4] == 0x2F, bytes[5] == 0x31, bytes[6] == 0x2E,
                  bytes[7] == 0x30 || bytes[7] == 0x31, bytes[8] == 0x20,
                  let hundreds = HTTPBytes.digit(bytes[9]), let tens = HTTPBytes.digit(bytes[10]), let units = HTTPBytes.digit(bytes[11]),
                  bytes[12] == 0x20 || bytes[12] == 0x0D
            else { throw Self.malformed("an unreadable status line") }
            isHTTP10 = bytes[7] == 0x30
            status = hundreds * 100 + tens * 10 + units
            statusRest = 8..<(statusEnd + 2)
            var start = statusEnd + 2
            while start < bytes.count - 2 {
                guard let end = HTTPBytes.lineEnd(bytes, from: start) else { throw Self.malformed("a header line without CRLF") }
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
                case 14 where HTTPBytes.equals(name, "content-length"):
                    guard let length = HTTPBytes.decimal(value), contentLength == nil || contentLength == length else {
                        throw Self.malformed("an invalid or conflicting content-length")
                    }
                    contentLength = length
                case 17 where HTTPBytes.equals(name, "transfer-encoding"):
                    isTransferEncoding = true
                    transferEncoding.present = true
                    transferEncoding.chunked = HTTPBytes.lastTokenIs(value, "chunked")
                case 10 where HTTPBytes.equals(name, "connection"):
                    keep = false
                    if HTTPBytes.hasToken(value, "close") { connectionClose = true }
                    if HTTPBytes.hasToken(value, "keep-alive") { connectionKeepAlive = true }
                case 2 where HTTPBytes.equals(name, "te"), 7 where HTTPBytes.equals(name, "upgrade") || HTTPBytes.equals(name, "trailer"),
                     10 where HTTPBytes.equals(name, "keep-alive"), 16 where HTTPBytes.equals(name, "proxy-connection"):
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
    /// `requestID`: the request's id, sent as `x-request-id` in place of the upstream's own (the
    /// raw lines are copied as they came but for that one).
    public func write(to out: inout ByteBuffer, version: HTTPVersion, dechunked: Bool, connection: StaticString?,
               replacing headers: [(name: String, value: String)]? = nil, requestID: String = "") {
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0" : "HTTP/1.1")
        bytes.withUnsafeReadableBytes { bytes in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[statusRest]))
            guard headers == nil else { return }
            for line in lines where !(dechunked && line.isTransferEncoding) {
                if !requestID.isEmpty, line.nameLength == 12, HTTPBytes.equals(UnsafeRawBufferPointer(rebasing: bytes[line.range.lowerBound..<(line.range.lowerBound + 12)]), "x-request-id") { continue }
                out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[line.range]))
            }
        }
        if headers == nil, !requestID.isEmpty {
            out.writeStaticString("x-request-id: ")
            out.writeString(requestID)
            out.writeStaticString("\r\n")
        }
        for header in headers ?? [] where !(dechunked && HeaderName.matches(header.name, "transfer-encoding")) { HTTPBytes.writeField(header, into: &out) }
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
}
