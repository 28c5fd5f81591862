@testable import GatewayRuntime
import NIOCore
import NIOHTTP1
import Testing

/// Client requests read byte by byte as the network delivers them: heads, bodies (chunked ones
/// dechunked), pipelined requests in order; anything that could be read two ways is refused with
/// the status the client then gets.
@Suite("Request parsing")
struct RequestParserTests {
    struct Outcome {
        var heads: [RequestParser.Head] = []
        var bodies: [String] = []
        var ends = 0
        var refusal: RequestParser.Malformed?
        var summary: String {
            heads.map { "\($0.method) \($0.target) 1.\($0.version.minor) \($0.headers.map { "\($0.name)=\($0.value)" }) ka=\($0.keepAlive)" }.joined(separator: "|")
                + " bodies=\(bodies) ends=\(ends) refused=\(refusal.map { "\($0.status)" } ?? "-")"
        }
    }

    /// Feeds `request` in pieces of `size` bytes (0: whole).
    static func parse(_ request: String, pieceSize size: Int = 0, maxHeadBytes: Int = 1024, maxHeaderCount: Int = 10) -> Outcome {
        var parser = RequestParser(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount)
        var outcome = Outcome()
        let bytes = Array(request.utf8)
        let step = size == 0 ? max(bytes.count, 1) : size
        var offset = 0
        while offset < bytes.count {
            do {
                try parser.feed(ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)])) { event in
                    switch event {
                    case .head(let head):
                        outcome.heads.append(head)
                        outcome.bodies.append("")
                    case .body(let piece): outcome.bodies[outcome.bodies.count - 1] += String(buffer: piece)
                    case .end: outcome.ends += 1
                    }
                }
            } catch let malformed as RequestParser.Malformed {
                if outcome.refusal == nil { outcome.refusal = malformed }
            } catch {
                Issue.record("unexpected error \(error)")
            }
            offset += step
        }
        return outcome
    }

    @Test(arguments: [0, 1, 2, 7, 17])
    func requestWithLengthIsReadInAnyPieces(pieceSize: Int) {
        let outcome = Self.parse("POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: gw:8080\r\nX-A:  b c \r\nContent-Length: 5\r\n\r\nhello", pieceSize: pieceSize)
        #expect(outcome.refusal == nil)
        #expect(outcome.heads.count == 1 && outcome.ends == 1)
        let head = outcome.heads.first
        #expect(head?.method == "POST" && head?.target == "/v1/chat/completions?x=1" && head?.version.minor == 1)
        #expect(head?.headers.map { "\($0.name)=\($0.value)" } == ["Host=gw:8080", "X-A=b c", "Content-Length=5"])
        #expect(head?.keepAlive == true && head?.expectsContinue == false)
        #expect(outcome.bodies == ["hello"])
    }

    @Test(arguments: [0, 1, 3, 9])
    func chunkedBodyIsDechunked(pieceSize: Int) {
        let request = "PUT /up HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nTrailer: t\r\n\r\n"
        let outcome = Self.parse(request, pieceSize: pieceSize)
        #expect(outcome.refusal == nil)
        #expect(outcome.bodies == ["hello, world!!!"] && outcome.ends == 1)
    }

    @Test(arguments: [0, 1, 5])
    func pipelinedRequestsComeInOrder(pieceSize: Int) {
        let request = "\r\nGET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        let outcome = Self.parse(request, pieceSize: pieceSize)
        #expect(outcome.refusal == nil)
        #expect(outcome.heads.map(\.target) == ["/a", "/b", "/c"])
        #expect(outcome.bodies == ["", "hi", ""] && outcome.ends == 3)
        #expect(outcome.heads.last?.version.minor == 0 && outcome.heads.last?.keepAlive == true)
    }

    @Test func connectionAndExpectationFollowTheHeaders() {
        #expect(Self.parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").heads.first?.keepAlive == false)
        #expect(Self.parse("GET / HTTP/1.0\r\n\r\n").heads.first?.keepAlive == false)
        #expect(Self.parse("GET / HTTP/1.0\r\nConnection: keep-alive, x\r\n\r\n").heads.first?.keepAlive == true)
        #expect(Self.parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").heads.first?.expectsContinue == true)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400),                                      // folded line
        ("GET / HTTP/1.1\r\nX : a\r\n\r\n", 400),                                           // space before the colon
        ("GET / HTTP/1.1\r\nX: a\u{0}b\r\n\r\n", 400),                                      // NUL in a value
        ("GET / HTTP/1.1\r\nX: a\u{7F}\r\n\r\n", 400),                                      // DEL in a value
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / http/1.1\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\nX: a\r\n\r\n", 400),                                              // bare LF
        ("hello\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 400),          // chunk longer than its size
    ])
    func ambiguousRequestsAreRefused(_ request: String, status: Int) {
        for size in [0, 1, 4] {
            let outcome = Self.parse(request, pieceSize: size)
            #expect(outcome.refusal?.status == status, "\(request.debugDescription) in pieces of \(size): \(outcome.summary)")
            #expect(outcome.ends == 0)
        }
    }

    @Test func headsOverTheLimitsAre431() {
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000) + "\r\n\r\n"
        #expect(Self.parse(long).refusal?.status == 431)
        #expect(Self.parse(long, pieceSize: 100).refusal?.status == 431)
        #expect(Self.parse("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000)).refusal?.status == 431)  // still arriving
        let many = "GET / HTTP/1.1\r\n" + String(repeating: "X: 1\r\n", count: 11) + "\r\n"
        #expect(Self.parse(many).refusal?.status == 431)
        #expect(Self.parse("GET / HTTP/1.1\r\n" + String(repeating: "X: 1\r\n", count: 10) + "\r\n").refusal == nil)
    }

    @Test func bytesAfterARefusalAreIgnored() {
        let outcome = Self.parse("GET / HTTP/1.1\r\nX : a\r\n\r\nGET /next HTTP/1.1\r\n\r\n", pieceSize: 3)
        #expect(outcome.refusal?.status == 400)
        #expect(outcome.heads.isEmpty && outcome.ends == 0)
    }

    /// Seeded mutations of valid requests (lengths, chunking, pipelining): fed whole and in random
    /// pieces, each reads the same requests or is refused with the same status.
    @Test func mutatedRequestsReadTheSameInAnyPieces() {
        let seeds = [
            "GET /a?b=c HTTP/1.1\r\nHost: gw\r\nX-A: b\r\n\r\nGET /d HTTP/1.1\r\n\r\n",
            "POST /v1/messages HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        ]
        let alphabet = Array("\r\n: ;0123456789abcdefHTP/.GETchunkedContent-LengthTransfer-EncodingHost".utf8) + [0, 0x7F, 0x09]
        var refused = 0
        for (text, pieceSize) in Mutations.of(seeds, alphabet: alphabet, rounds: 3000, seed: 0x7265_7175_6573_74) {
            let whole = Self.parse(text)
            let pieces = Self.parse(text, pieceSize: pieceSize)
            #expect(whole.refusal?.status == pieces.refusal?.status, "\(text.debugDescription)")
            if whole.refusal == nil {
                #expect(whole.summary == pieces.summary, "\(text.debugDescription)")
            } else {
                refused += 1
            }
        }
        #expect(refused > 100)  // the mutations do reach the refusals
    }
}

/// Gathering a head that trickles in costs work in proportion to its size, not its square.
@Suite("Head gathering is linear")
struct HeadAccumulatorTests {
    /// Bytes searched to gather a head of `size` bytes sent one byte at a time.
    static func searched(headOf size: Int) throws -> Int {
        var head = "GET / HTTP/1.1\r\nhost: x\r\nx-pad: "
        head += String(repeating: "a", count: size - head.utf8.count - 4) + "\r\n\r\n"
        var accumulator = HeadAccumulator()
        var whole: ByteBuffer?
        for byte in head.utf8 {
            var piece = ByteBuffer(bytes: [byte])
            if let found = try accumulator.take(&piece, limit: 1 << 20) { whole = found }
        }
        #expect(whole?.readableBytes == size, "the head is gathered whole")
        return accumulator.bytesSearched
    }

    @Test func aSixtyKiBHeadInOneBytePiecesIsSearchedOnce() throws {
        let small = try Self.searched(headOf: 30 << 10), large = try Self.searched(headOf: 60 << 10)
        // Each byte is examined about once; the old rescan from the start examined ~n²/4.
        #expect(large <= 60 << 10)
        #expect(Double(large) / Double(small) < 2.2, "twice the head, twice the work: \(small) then \(large)")
    }

    @Test func aBlankLineSplitAcrossPiecesIsFound() throws {
        let head = "GET / HTTP/1.1\r\nhost: x\r\n\r\n"
        let bytes = Array(head.utf8)
        for cut in 1..<bytes.count {
            var accumulator = HeadAccumulator()
            var first = ByteBuffer(bytes: bytes[..<cut]), second = ByteBuffer(bytes: bytes[cut...] + Array("NEXT".utf8))
            #expect(try accumulator.take(&first, limit: 1024) == nil || cut == bytes.count)
            let found = try accumulator.take(&second, limit: 1024)
            #expect(found?.readableBytes == bytes.count, "cut at \(cut)")
            #expect(second.readableBytes == 4, "what follows the head stays: cut at \(cut)")
        }
    }
}
