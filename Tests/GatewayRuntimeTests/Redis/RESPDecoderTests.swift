import NIOCore
import Testing

@testable import GatewayRuntime

/// RESP2 replies read from bytes in any pieces, and malformed ones refused (a misbehaving server
/// closes the connection instead of making gwrun hang or allocate).
@Suite("RESP decoder")
struct RESPDecoderTests {
    func decode(_ text: String, pieces: Int = 1) throws -> [RESPValue] {
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        let bytes = Array(text.utf8)
        let size = max(1, (bytes.count + pieces - 1) / pieces)
        var start = 0
        while start < bytes.count {
            decoder.feed(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + size)]))
            while let value = try decoder.next() { values.append(value) }
            start += size
        }
        return values
    }

    @Test func everyReplyKind() throws {
        let values = try decode("+OK\r\n-NOSCRIPT No matching script\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*3\r\n:0\r\n:7\r\n:1500\r\n")
        #expect(values == [
            .simpleString("OK"), .error("NOSCRIPT No matching script"), .integer(42), .bulkString(Array("hello".utf8)), .bulkString(nil), .array(nil),
            .array([.integer(0), .integer(7), .integer(1500)]),
        ])
    }

    @Test func repliesSplitAtEveryByteReadTheSame() throws {
        let text = "*2\r\n$3\r\nab\n\r\n*1\r\n:-3\r\n+PONG\r\n"
        let whole = try decode(text)
        #expect(whole == [.array([.bulkString(Array("ab\n".utf8)), .array([.integer(-3)])]), .simpleString("PONG")])
        #expect(try decode(text, pieces: text.utf8.count) == whole)
        #expect(try decode(text, pieces: 3) == whole)
    }

    @Test func anIncompleteReplyWaitsForItsRest() throws {
        var decoder = RESPDecoder()
        decoder.feed(ByteBuffer(string: "*3\r\n:1\r\n:2\r\n"))
        #expect(try decoder.next() == nil)
        decoder.feed(ByteBuffer(string: ":3\r\n"))
        #expect(try decoder.next() == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(try decoder.next() == nil)
    }

    @Test(arguments: ["?what\r\n", ":12x\r\n", "$4\r\nabcdXY", "$999999999\r\n", "*-2\r\n", "+OK\n", String(repeating: "*1\r\n", count: 20) + ":1\r\n"])
    func malformedRepliesAreRefused(_ text: String) {
        #expect(throws: RESPDecoder.Malformed.self) { try decode(text) }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPValue.command(["EVALSHA", "abc", "1", "gwrun:{ratelimit}:a/b#0"], into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$1\r\n1\r\n$23\r\ngwrun:{ratelimit}:a/b#0\r\n")
    }
}
