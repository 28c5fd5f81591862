import GatewayRuntime
import NIOCore
import NIOHTTP1
import Testing

/// A plain upstream's answer framed byte by byte as the network delivers it: what the client gets
/// (head rewritten, body forwarded as it came), when the answer ends and whether the connection
/// may be reused; anything unframeable is refused.
@Suite("Upstream answer framing")
struct UpstreamResponseParserTests {
    struct Outcome {
        var heads: [UpstreamResponseHead] = []
        var body = ""
        var ends: [Bool] = []
        var error: String?
        var clientHead: String { heads.first.map { head in
            var out = ByteBuffer()
            head.write(to: &out, version: .http1_1, dechunked: false, connection: nil)
            return String(buffer: out)
        } ?? "" }
    }

    /// Feeds `answer` in pieces of `size` bytes (0: whole), then, when `closed`, the connection's close.
    static func frame(_ answer: String, pieceSize size: Int = 0, head: Bool = false, dechunk: Bool = false, closed: Bool = false) -> Outcome {
        var parser = UpstreamResponseParser(requestWasHead: head, dechunk: dechunk)
        var outcome = Outcome()
        let bytes = Array(answer.utf8)
        let step = size == 0 ? max(bytes.count, 1) : size
        let record: (UpstreamResponseParser.Event) -> Void = { event in
            switch event {
            case .head(let head): outcome.heads.append(head)
            case .body(let piece): outcome.body += String(buffer: piece)
            case .end(let reusable): outcome.ends.append(reusable)
            }
        }
        do {
            var offset = 0
            while offset < bytes.count {
                try parser.feed(ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)]), record)
                offset += step
            }
            if closed { try parser.connectionClosed(record) }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    @Test(arguments: [0, 1, 2, 5, 17])
    func lengthFramedAnswerIsForwardedWithoutItsHopByHopHeaders(pieceSize: Int) {
        let answer = "HTTP/1.1 200 OK\r\nServer: up\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 5\r\nX-Trace:  a b \r\n\r\nhello"
        let outcome = Self.frame(answer, pieceSize: pieceSize)
        #expect(outcome.error == nil)
        #expect(outcome.heads.count == 1 && outcome.heads.first?.status == 200)
        #expect(outcome.heads.first?.framing == .length(5))
        #expect(outcome.body == "hello")
        #expect(outcome.ends == [true])
        #expect(outcome.clientHead == "HTTP/1.1 200 OK\r\nServer: up\r\nContent-Length: 5\r\nX-Trace:  a b \r\n\r\n")
        #expect(outcome.heads.first?.headers.last.map { "\($0.name)=\($0.value)" } == "X-Trace=a b")
    }

    @Test(arguments: [0, 1, 3, 9])
    func chunkedAnswerIsForwardedAsItCameOrDechunked(pieceSize: Int) {
        let body = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: 1\r\n\r\n"
        let answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        let raw = Self.frame(answer, pieceSize: pieceSize)
        #expect(raw.error == nil)
        #expect(raw.heads.first?.framing == .chunked)
        #expect(raw.body == body)
        #expect(raw.ends == [true])
        #expect(raw.clientHead.contains("Transfer-Encoding: chunked\r\n"))
        let plain = Self.frame(answer, pieceSize: pieceSize, dechunk: true)
        #expect(plain.body == "hello, world")
        #expect(plain.ends == [true])
        var out = ByteBuffer()
        plain.heads.first?.write(to: &out, version: .http1_0, dechunked: true, connection: "close")
        #expect(String(buffer: out) == "HTTP/1.0 200 OK\r\nconnection: close\r\n\r\n")
    }

    @Test func answerEndsWithTheCloseWhenNothingFramesIt() {
        let open = Self.frame("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ")
        #expect(open.heads.first?.framing == .untilClose)
        #expect(open.ends.isEmpty)
        let closed = Self.frame("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, part two", closed: true)
        #expect(closed.body == "part one, part two")
        #expect(closed.ends == [false])
    }

    @Test func answersWithoutBodyEndAtTheirHead() {
        let toHead = Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", head: true)
        #expect(toHead.ends == [true] && toHead.body.isEmpty)
        #expect(toHead.clientHead.contains("Content-Length: 1234\r\n"))
        #expect(Self.frame("HTTP/1.1 204 No Content\r\n\r\n").ends == [true])
        #expect(Self.frame("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n").ends == [true])
        #expect(Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ends == [true])
    }

    @Test func interimAnswersAreSkipped() {
        let outcome = Self.frame("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", pieceSize: 4)
        #expect(outcome.heads.map(\.status) == [201])
        #expect(outcome.body == "ok" && outcome.ends == [true])
    }

    @Test func connectionReuseFollowsTheUpstreamsWord() {
        #expect(Self.frame("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").ends == [false])
        #expect(Self.frame("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").ends == [false])
        #expect(Self.frame("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").ends == [true])
        // Bytes beyond the answer, or a length beside chunking: not reusable.
        #expect(Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy").ends == [false])
        let both = Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")
        #expect(both.body == "1\r\nx\r\n0\r\n\r\n" && both.ends == [false])
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name : x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "{\"not\": \"http\"}\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
    ])
    func unframeableAnswersAreRefused(_ answer: String) {
        #expect(Self.frame(answer).error != nil, "\(answer.debugDescription)")
    }

    @Test func cutAnswerIsAnErrorAtTheClose() {
        let cut = Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", closed: true)
        #expect(cut.body == "half" && cut.ends.isEmpty)
        #expect(cut.error?.contains("closed the connection before the end") == true)
        #expect(Self.frame("HTTP/1.1 200 O", closed: true).error != nil)
    }

    @Test func oversizedHeadIsRefused() {
        let answer = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789abcdef\r\n", count: 4000)
        let outcome = Self.frame(answer, pieceSize: 4096)
        #expect(outcome.error?.contains("over") == true)
    }

    @Test func headersCanBeReplacedForTheRulesModifiers() {
        let outcome = Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: 1\r\n\r\n")
        var out = ByteBuffer()
        outcome.heads.first?.write(to: &out, version: .http1_1, dechunked: false, connection: "close",
                                   replacing: [("Content-Length", "0"), ("x-served-by", "gwrun"), ("x-bad", "a\r\nInjected: 1")])
        #expect(String(buffer: out) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nx-served-by: gwrun\r\nconnection: close\r\n\r\n")
    }

    /// Mutated answers (bytes flipped, inserted, dropped, cut), each fed whole and in random
    /// pieces: the parser never traps (the tests run with bounds checks), refuses or accepts an
    /// answer whatever the cuts, and frames an accepted one the same way.
    @Test func mutatedAnswersFrameTheSameInAnyPieces() {
        let seeds = [
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        ]
        let alphabet = Array("\r\n: ;0123456789abcdefHTP/.chunkedContent-LengthTransfer-Encoding".utf8)
        for (text, pieceSize) in Mutations.of(seeds, alphabet: alphabet, rounds: 3000, seed: 0x6777_7275_6E21) {
            let whole = Self.frame(text, closed: true)
            let pieces = Self.frame(text, pieceSize: pieceSize, closed: true)
            #expect((whole.error == nil) == (pieces.error == nil), "\(text.debugDescription): \(whole.error ?? "") / \(pieces.error ?? "")")
            // What reaches the client before a refusal may differ with the cuts (it is then cut off).
            if whole.error == nil {
                #expect(whole.heads.map(\.status) == pieces.heads.map(\.status), "\(text.debugDescription)")
                // Bytes beyond the answer make it unreusable only when they come in the answer's last
                // read (later ones find no exchange, and the connection is closed then).
                #expect(whole.body == pieces.body && whole.ends.count == pieces.ends.count, "\(text.debugDescription)")
                #expect(!(whole.ends.first ?? false) || pieces.ends.first == true, "\(text.debugDescription)")
            }
        }
    }
}
