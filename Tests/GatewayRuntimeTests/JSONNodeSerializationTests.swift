import NIOCore
import Testing

@testable import GatewayRuntime

/// `JSONNode.serializedBuffer` dumps in one pass into a guessed size and again when the value is
/// larger: both paths must give the whole value, byte for byte.
@Suite("JSON serialisation")
struct JSONNodeSerializationTests {
    static func node(textLength: Int) throws -> JSONNode {
        try JSONNode.parse(#"{"model":"m","messages":[{"role":"user","content":"\#(String(repeating: "é", count: textLength))"}],"n":0.7}"#)
    }

    @Test("a value smaller than the guess, one larger, and one exactly its size round-trip whole")
    func everySizeRoundTrips() throws {
        for length in [10, 600, 5_000] {
            let value = try Self.node(textLength: length)
            let buffer = value.serializedBuffer()
            let again = try JSONNode.parse(buffer)
            #expect(again.equals(value), "text of \(length) characters")
            #expect(buffer.readableBytes == value.serialized().count)
            #expect(String(buffer: buffer).hasSuffix(#"}],"n":0.7}"#))
            let exact = value.serializedBuffer(sizeGuess: buffer.readableBytes)
            #expect(exact == buffer)
            let tooSmall = value.serializedBuffer(sizeGuess: buffer.readableBytes - 1)
            #expect(tooSmall == buffer)
        }
    }
}
