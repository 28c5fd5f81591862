import NIOCore

/// Frames an HTTP/1.x answer read from a plain upstream without decoding what it forwards: the
/// head is parsed once (status, framing, which header lines to keep), the body is handed on as the
/// bytes that arrived, chunk framing included, so a plain proxied answer costs no re-encoding.
/// `dechunk` hands on only the chunks' data instead (for an HTTP/1.0 client, which cannot read chunks).
/// Follows RFC 9112 §6.3 for the body's length; anything it cannot frame with certainty is an
/// error (the exchange fails with 502 or a cut answer, and the connection is not reused).
public struct UpstreamResponseParser {
    public enum Event {
        case head(UpstreamResponseHead)
        /// Body bytes to forward as they are.
        case body(ByteBuffer)
        /// The answer is complete; `reusable` when the connection may carry another exchange.
        case end(reusable: Bool)
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The longest head accepted (status line and headers).
    public static let maxHeadBytes = 64 * 1024

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize(value: Int, digits: Int, inExtension: Bool, sawCR: Bool)
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine(sawCR: Bool)
        case trailerEndLF
        case untilClose
        case done
    }

    private let requestWasHead: Bool
    private let dechunk: Bool
    private var state = State.head
    private var pendingHead: ByteBuffer?
    private var keepAlive = false
    /// Payload bytes of the body (chunk framing not counted).
    public private(set) var payloadBytes = 0

    public init(requestWasHead: Bool, dechunk: Bool) {
        self.requestWasHead = requestWasHead
        self.dechunk = dechunk
    }

    /// The answer ended (or never began) before the connection closed, apart from an answer
    /// whose end is the close itself.
    public var isComplete: Bool { if case .done = state { true } else { false } }

    /// Parses the next bytes read, calling `emit` for what they complete.
    public mutating func feed(_ input: ByteBuffer, _ emit: (Event) throws -> Void) throws {
        var input = input
        while true {
            switch state {
            case .head:
                guard let head = try takeHead(&input) else { return }
                if head.status < 200 {
                    if head.status == 101 { throw Malformed(description: "the upstream switched protocols, which plain proxying does not support") }
                    continue  // 100 Continue, 103 Early Hints: the final answer follows
                }
                keepAlive = head.keepAlive
                try emit(.head(head))
                switch head.framing {
                case .none: try finish(input, emit)
                case .length(let length) where length == 0: try finish(input, emit)
                case .length(let length): state = .fixed(remaining: length)
                case .chunked: state = .chunkSize(value: 0, digits: 0, inExtension: false, sawCR: false)
                case .untilClose: state = .untilClose
                }
            case .fixed(let remaining):
                guard input.readableBytes > 0 else { return }
                let count = min(remaining, input.readableBytes)
                if let slice = input.readSlice(length: count) { try emit(.body(slice)) }
                payloadBytes += count
                if count == remaining { try finish(input, emit) } else { state = .fixed(remaining: remaining - count); return }
            case .untilClose:
                guard input.readableBytes > 0 else { return }
                payloadBytes += input.readableBytes
                try emit(.body(input))
                return
            case .done:
                return
            default:
                guard input.readableBytes > 0 else { return }
                try feedChunked(&input, emit)
            }
        }
    }

    /// The upstream closed the connection: ends an answer framed by the close, else it was cut.
    public mutating func connectionClosed(_ emit: (Event) throws -> Void) throws {
        switch state {
        case .untilClose:
            state = .done
            try emit(.end(reusable: false))
        case .done:
            return
        default:
            throw Malformed(description: "the upstream closed the connection before the end of its answer")
        }
    }

    private mutating func finish(_ rest: ByteBuffer, _ emit: (Event) throws -> Void) throws {
        state = .done
        // Bytes beyond the answer: the connection's framing cannot be trusted for another exchange.
        try emit(.end(reusable: keepAlive && rest.readableBytes == 0))
    }

    // MARK: Head

    private mutating func takeHead(_ input: inout ByteBuffer) throws -> UpstreamResponseHead? {
        var source: ByteBuffer
        if var pending = pendingHead {
            pending.writeImmutableBuffer(input)
            source = pending
            input.moveReaderIndex(to: input.writerIndex)
        } else {
            source = input
        }
        guard let length = Self.headLength(source) else {
            guard source.readableBytes <= Self.maxHeadBytes else { throw Malformed(description: "the upstream's answer head is over \(Self.maxHeadBytes) bytes") }
            if pendingHead == nil { input.moveReaderIndex(to: input.writerIndex) }
            pendingHead = source
            return nil
        }
        guard length <= Self.maxHeadBytes else { throw Malformed(description: "the upstream's answer head is over \(Self.maxHeadBytes) bytes") }
        guard let headBytes = source.readSlice(length: length) else { return nil }
        if pendingHead != nil {
            pendingHead = nil
            input = source  // what followed the head
        } else {
            input.moveReaderIndex(forwardBy: length)
        }
        return try UpstreamResponseHead(parsing: headBytes, requestWasHead: requestWasHead)
    }

    /// The length of the head up to and including its blank line, when it is all there.
    private static func headLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            var index = 3
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0A {
                    if bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A, bytes[index - 3] == 0x0D { return index + 1 }
                    index += 1
                } else if byte == 0x0D {
                    index += 1
                } else {
                    index += 2  // neither CR nor LF: the terminator cannot end at the next byte either
                }
            }
            return nil
        }
    }

    // MARK: Chunked body

    private mutating func feedChunked(_ input: inout ByteBuffer, _ emit: (Event) throws -> Void) throws {
        let start = input.readerIndex
        var finished = false
        var dataRanges: [Range<Int>] = []
        let consumed: Int = try input.withUnsafeReadableBytes { bytes in
            var index = 0
            loop: while index < bytes.count {
                switch state {
                case .chunkSize(var value, var digits, var inExtension, let sawCR):
                    let byte = bytes[index]
                    index += 1
                    if sawCR {
                        guard byte == 0x0A, digits > 0 else { throw Malformed(description: "a malformed chunk size line from the upstream") }
                        state = value == 0 ? .trailerLineStart : .chunkData(remaining: value)
                        continue loop
                    }
                    if byte == 0x0D { state = .chunkSize(value: value, digits: digits, inExtension: inExtension, sawCR: true); continue loop }
                    if inExtension { continue loop }
                    if byte == 0x3B { inExtension = true } else {
                        guard let digit = Self.hexValue(byte), digits < 15 else { throw Malformed(description: "a malformed chunk size from the upstream") }
                        value = value << 4 | digit
                        digits += 1
                    }
                    state = .chunkSize(value: value, digits: digits, inExtension: inExtension, sawCR: false)
                case .chunkData(let remaining):
                    let count = min(remaining, bytes.count - index)
                    if dechunk { dataRanges.append(index..<(index + count)) }
                    payloadBytes += count
                    index += count
                    state = count == remaining ? .chunkDataCR : .chunkData(remaining: remaining - count)
                case .chunkDataCR:
                    guard bytes[index] == 0x0D else { throw Malformed(description: "a chunk from the upstream longer than its size") }
                    index += 1
                    state = .chunkDataLF
                case .chunkDataLF:
                    guard bytes[index] == 0x0A else { throw Malformed(description: "a chunk from the upstream longer than its size") }
                    index += 1
                    state = .chunkSize(value: 0, digits: 0, inExtension: false, sawCR: false)
                case .trailerLineStart:
                    let byte = bytes[index]
                    index += 1
                    state = byte == 0x0D ? .trailerEndLF : .trailerLine(sawCR: false)
                case .trailerLine(let sawCR):
                    let byte = bytes[index]
                    index += 1
                    if byte == 0x0A, sawCR { state = .trailerLineStart } else { state = .trailerLine(sawCR: byte == 0x0D) }
                case .trailerEndLF:
                    guard bytes[index] == 0x0A else { throw Malformed(description: "malformed trailers from the upstream") }
                    index += 1
                    finished = true
                    break loop
                default:
                    break loop
                }
            }
            return index
        }
        if dechunk {
            for range in dataRanges where !range.isEmpty {
                if let slice = input.getSlice(at: start + range.lowerBound, length: range.count) { try emit(.body(slice)) }
            }
        } else if let slice = input.getSlice(at: start, length: consumed) {
            try emit(.body(slice))
        }
        input.moveReaderIndex(forwardBy: consumed)
        if finished { try finish(input, emit) }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
