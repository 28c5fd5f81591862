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
        case chunked
        case untilClose
        case done
    }

    private let requestWasHead: Bool
    private let dechunk: Bool
    private var state = State.head
    private var chunks = ChunkedFraming()
    private var gatheredHead = HeadAccumulator()
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
                case .chunked:
                    state = .chunked
                    chunks = ChunkedFraming()
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
            case .chunked:
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
        let headBytes: ByteBuffer?
        do {
            headBytes = try gatheredHead.take(&input, limit: Self.maxHeadBytes)
        } catch {
            throw Malformed(description: "the upstream's answer head is over \(Self.maxHeadBytes) bytes")
        }
        guard let headBytes else { return nil }
        return try UpstreamResponseHead(parsing: headBytes, requestWasHead: requestWasHead)
    }

    // MARK: Chunked body

    private mutating func feedChunked(_ input: inout ByteBuffer, _ emit: (Event) throws -> Void) throws {
        let start = input.readerIndex
        var dataRanges: [Range<Int>] = []
        var dataBytes = 0
        let consumed: Int
        do {
            consumed = try input.withUnsafeReadableBytes { bytes throws(ChunkedFraming.Failure) in
                try chunks.scan(bytes) { range in
                    dataBytes += range.count
                    if dechunk, !range.isEmpty { dataRanges.append(range) }
                }
            }
        } catch {
            switch error {
            case .size: throw Malformed(description: "a malformed chunk size from the upstream")
            case .overrun: throw Malformed(description: "a chunk from the upstream longer than its size")
            case .trailers: throw Malformed(description: "malformed trailers from the upstream")
            }
        }
        payloadBytes += dataBytes
        if dechunk {
            for range in dataRanges {
                if let slice = input.getSlice(at: start + range.lowerBound, length: range.count) { try emit(.body(slice)) }
            }
        } else if let slice = input.getSlice(at: start, length: consumed) {
            try emit(.body(slice))
        }
        input.moveReaderIndex(forwardBy: consumed)
        if chunks.isDone { try finish(input, emit) }
    }
}
