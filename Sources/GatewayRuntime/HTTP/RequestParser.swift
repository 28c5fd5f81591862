import NIOCore
import NIOHTTP1

/// Reads HTTP/1.x requests from the bytes of a client connection, however the network cuts them,
/// in place of NIO's llhttp-based decoder: a request costs one scan of its head and the strings
/// gwrun routes with, no event per header. Strict where leniency lets a request be read two ways
/// (RFC 9112 §6.3, §11.2): folded lines, a name with spaces before its colon, control bytes in a
/// value, both a length and chunking, conflicting lengths, a transfer coding other than chunked,
/// several `host` headers, anything but HTTP/1.0 or 1.1, all refused. A fault is a `Malformed`
/// with the status the connection guard answers it with (431, 400, 501 or 505) and what was wrong
/// (the structure, never a header's value).
public struct RequestParser {
    public struct Head: Sendable {
        public let method: String
        /// The request target as sent.
        public let target: String
        public let version: HTTPVersion
        /// Header fields in their order, names as sent, values without surrounding whitespace.
        public let headers: [(name: String, value: String)]
        /// The connection may carry another request after this one.
        public let keepAlive: Bool
        /// `expect: 100-continue`.
        public let expectsContinue: Bool
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let status: Int
        public let description: String
        init(_ status: Int, _ description: String) {
            self.status = status
            self.description = description
        }
    }

    public enum Event {
        case head(Head)
        /// Body data (chunk framing removed).
        case body(ByteBuffer)
        case end
    }

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunked
        case failed
    }

    private enum Framing { case none, length(Int), chunked }

    private let maxHeadBytes: Int
    private let maxHeaderCount: Int
    private var state = State.head
    private var gatheredHead = HeadAccumulator()
    private var chunks = ChunkedFraming()

    /// `maxHeadBytes` bounds the request line and headers together, `maxHeaderCount` the header fields.
    public init(maxHeadBytes: Int, maxHeaderCount: Int) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
    }

    /// No part of a request is waiting (the next byte starts one).
    public var isIdle: Bool { if case .head = state { gatheredHead.isEmpty } else { false } }

    /// Parses the next bytes read, calling `emit` for what they complete. After a fault, the
    /// connection's framing is lost: later bytes are ignored.
    public mutating func feed(_ input: ByteBuffer, _ emit: (Event) throws -> Void) throws {
        var input = input
        do {
            while input.readableBytes > 0 {
                switch state {
                case .head:
                    if gatheredHead.isEmpty { Self.skipEmptyLines(&input) }
                    guard input.readableBytes > 0 else { return }
                    let headBytes: ByteBuffer?
                    do { headBytes = try gatheredHead.take(&input, limit: maxHeadBytes) } catch { throw Malformed(431, "the request head is over \(maxHeadBytes) bytes") }
                    guard var headBytes else { return }
                    // Empty lines split over reads reach here with the head.
                    Self.skipEmptyLines(&headBytes)
                    guard headBytes.readableBytes > 0 else { continue }
                    let (head, framing) = try Self.parse(headBytes, maxHeaderCount: maxHeaderCount)
                    try emit(.head(head))
                    switch framing {
                    case .none: try emit(.end)
                    case .length(let length): state = .fixed(remaining: length)
                    case .chunked:
                        state = .chunked
                        chunks = ChunkedFraming()
                    }
                case .fixed(let remaining):
                    let count = min(remaining, input.readableBytes)
                    if let slice = input.readSlice(length: count) { try emit(.body(slice)) }
                    if count == remaining {
                        state = .head
                        try emit(.end)
                    } else {
                        state = .fixed(remaining: remaining - count)
                    }
                case .chunked:
                    try feedChunked(&input, emit)
                case .failed:
                    return
                }
            }
        } catch {
            state = .failed
            throw error
        }
    }

    private mutating func feedChunked(_ input: inout ByteBuffer, _ emit: (Event) throws -> Void) throws {
        let start = input.readerIndex
        var dataRanges: [Range<Int>] = []
        let consumed: Int
        do {
            consumed = try input.withUnsafeReadableBytes { bytes throws(ChunkedFraming.Failure) in
                try chunks.scan(bytes) { range in if !range.isEmpty { dataRanges.append(range) } }
            }
        } catch {
            throw Malformed(400, "a malformed chunk in the request body")
        }
        for range in dataRanges {
            if let slice = input.getSlice(at: start + range.lowerBound, length: range.count) { try emit(.body(slice)) }
        }
        input.moveReaderIndex(forwardBy: consumed)
        if chunks.isDone {
            state = .head
            try emit(.end)
        }
    }

    /// Empty lines before a request line are ignored (RFC 9112 §2.2).
    private static func skipEmptyLines(_ input: inout ByteBuffer) {
        while input.readableBytes >= 2, input.getInteger(at: input.readerIndex, as: UInt16.self) == 0x0D0A {
            input.moveReaderIndex(forwardBy: 2)
        }
    }

    // MARK: Head

    private static func parse(_ headBytes: ByteBuffer, maxHeaderCount: Int) throws -> (Head, Framing) {
        try headBytes.withUnsafeReadableBytes { bytes in
            // request-line = method SP request-target SP HTTP-version CRLF
            guard let lineEnd = HTTPBytes.lineEnd(bytes, from: 0) else { throw Malformed(400, "a request line without CRLF") }
            var index = 0
            while index < lineEnd, isTokenByte(bytes[index]) { index += 1 }
            guard index > 0, index < lineEnd, bytes[index] == 0x20 else { throw Malformed(400, "an invalid method in the request line") }
            let method = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<index]), as: UTF8.self)
            let targetStart = index + 1
            index = targetStart
            while index < lineEnd, bytes[index] > 0x20, bytes[index] < 0x7F { index += 1 }
            guard index > targetStart, index < lineEnd, bytes[index] == 0x20 else { throw Malformed(400, "an invalid request target") }
            let target = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<index]), as: UTF8.self)
            let version = UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<lineEnd])
            // Case-sensitive (RFC 9112 §2.3).
            guard version.count == 8, version.starts(with: "HTTP/1.".utf8), version[7] == 0x30 || version[7] == 0x31 else {
                throw Malformed(version.starts(with: "HTTP/".utf8) ? 505 : 400, "an HTTP version other than 1.0 or 1.1")
            }
            let minor = version[7] == 0x31 ? 1 : 0

            var headers: [(name: String, value: String)] = []
            headers.reserveCapacity(16)  // one allocation for a usual head, not one per doubling
            var contentLength: Int?
            var chunked: Bool?
            var connectionClose = false
            var connectionKeepAlive = false
            var hosts = 0
            var expectsContinue = false
            var start = lineEnd + 2
            while start < bytes.count - 2 {
                guard let end = HTTPBytes.lineEnd(bytes, from: start) else { throw Malformed(400, "a header line without CRLF") }
                var colon = start
                while colon < end, isTokenByte(bytes[colon]) { colon += 1 }
                // A folded line starts with whitespace; a name ends at its colon, with no space before it.
                guard colon > start, colon < end, bytes[colon] == 0x3A else { throw Malformed(400, "a folded header line or an invalid header name") }
                var valueStart = colon + 1
                var valueEnd = end
                while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
                while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
                for position in valueStart..<valueEnd {
                    let byte = bytes[position]
                    guard byte >= 0x20 && byte != 0x7F || byte == 0x09 else { throw Malformed(400, "a control character in a header value") }
                }
                guard headers.count < maxHeaderCount else { throw Malformed(431, "more than \(maxHeaderCount) header fields") }
                let name = UnsafeRawBufferPointer(rebasing: bytes[start..<colon])
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
                switch name.count {
                case 4 where HTTPBytes.equals(name, "host"):
                    hosts += 1
                    guard hosts == 1 else { throw Malformed(400, "more than one host header") }
                case 6 where HTTPBytes.equals(name, "expect"):
                    expectsContinue = HTTPBytes.equals(value, "100-continue")
                case 10 where HTTPBytes.equals(name, "connection"):
                    if HTTPBytes.hasToken(value, "close") { connectionClose = true }
                    if HTTPBytes.hasToken(value, "keep-alive") { connectionKeepAlive = true }
                case 14 where HTTPBytes.equals(name, "content-length"):
                    guard let length = HTTPBytes.decimal(value), contentLength == nil || contentLength == length else {
                        throw Malformed(400, "an invalid or conflicting content-length")
                    }
                    contentLength = length
                case 17 where HTTPBytes.equals(name, "transfer-encoding"):
                    // Only `chunked`, once: any other coding would have to be undone to find the body's end.
                    guard minor == 1 else { throw Malformed(400, "transfer-encoding in an HTTP/1.0 request") }
                    guard chunked == nil, HTTPBytes.equals(value, "chunked") else { throw Malformed(501, "a transfer coding other than chunked") }
                    chunked = true
                default:
                    break
                }
                headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                start = end + 2
            }
            if chunked != nil, contentLength != nil { throw Malformed(400, "both content-length and transfer-encoding") }
            let keepAlive = minor == 1 ? !connectionClose : connectionKeepAlive && !connectionClose
            let head = Head(method: method, target: target, version: HTTPVersion(major: 1, minor: minor), headers: headers,
                            keepAlive: keepAlive, expectsContinue: expectsContinue)
            let framing: Framing = chunked != nil ? .chunked : (contentLength ?? 0) > 0 ? .length(contentLength ?? 0) : .none
            return (head, framing)
        }
    }

    /// tchar (RFC 9110 §5.6.2): the bytes of a method or a header name.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }
}
