import Foundation
import GatewayRuntime
import Testing

/// Anthropic event streams → OpenAI chunks, event by event, against agentgateway's streaming
/// golden snapshots, however the network cuts the bytes.
@Suite("Streaming translation")
struct StreamingTranslationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/translation/response/anthropic").path

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(name)"))) }

    /// The `data:` payloads of a stream, in order.
    static func dataLines(_ stream: [UInt8]) -> [String] {
        String(decoding: stream, as: UTF8.self).components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    /// Feeds the stream in pieces of `size` bytes (0: whole) and returns everything sent.
    static func translate(_ input: [UInt8], pieceSize size: Int) -> (output: [UInt8], translator: MessagesStreamTranslator) {
        let translator = MessagesStreamTranslator(created: 123)
        var output: [UInt8] = []
        var offset = 0
        let step = size == 0 ? input.count : size
        while offset < input.count {
            output += translator.feed(Array(input[offset..<min(offset + step, input.count)]))
            offset += step
        }
        output += translator.finish()
        return (output, translator)
    }

    @Test(arguments: ["stream_basic", "stream_thinking", "stream_tool_empty_args"], [0, 1, 7, 64])
    func eventsBecomeTheGoldenChunks(_ name: String, pieceSize: Int) throws {
        let (output, translator) = Self.translate(try Self.bytes("\(name).json"), pieceSize: pieceSize)
        let snapshot = try Self.bytes("\(name).messages-completions-streaming.snap")
        let expected = Self.dataLines(snapshot)
        let got = Self.dataLines(output)
        #expect(expected.count > 2 && expected.last == "[DONE]")
        #expect(got.count == expected.count, "\(name): \(got.count) chunks, want \(expected.count)")
        for (index, (line, want)) in zip(got, expected).enumerated() {
            #expect(line == want, "\(name) chunk \(index):\n got \(line)\nwant \(want)")
        }
        #expect(translator.completed)
        // The figures the snapshot records for logs and metrics.
        let text = String(decoding: snapshot, as: UTF8.self)
        let summary = try #require(text.range(of: "\n{", options: .backwards))
        let usage = try JSONNode.parse(String(text[text.index(after: summary.lowerBound)...]))
        #expect(translator.inputTokens == usage["input_tokens"]?.int)
        #expect(translator.outputTokens == usage["output_tokens"]?.int)
    }

    @Test func aStreamCutBeforeItsEndEndsWithAnErrorNotDone() throws {
        let whole = try Self.bytes("stream_basic.json")
        let cut = Array(whole.prefix(whole.count / 2))
        let (output, translator) = Self.translate(cut, pieceSize: 13)
        let lines = Self.dataLines(output)
        #expect(!translator.completed)
        #expect(lines.last != "[DONE]")
        let error = try JSONNode.parse(try #require(lines.last))
        #expect(error["error"]?["type"]?.string == "api_error")
        #expect(lines.dropLast().allSatisfy { (try? JSONNode.parse($0))?["object"]?.string == "chat.completion.chunk" })
    }

    @Test func aProviderErrorEventBecomesAnOpenAIErrorEvent() throws {
        let stream = Array("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """.utf8)
        let (output, _) = Self.translate(stream, pieceSize: 5)
        let lines = Self.dataLines(output)
        #expect(lines.count == 1)
        #expect(try JSONNode.parse(lines[0])["error"]?["message"]?.string == "Overloaded")
    }

    @Test func serverSentEventsJoinDataLinesAndSkipComments() throws {
        var events = ServerSentEvents()
        var all: [[UInt8]] = []
        for piece in [": keep-alive\r\n\r\nevent: x\r\ndata: a", "\r\ndata:b\r\n", "\r\nid: 1\ndataset: no\n\n"] {
            all += try events.feed(Array(piece.utf8))
        }
        #expect(all.map { String(decoding: $0, as: UTF8.self) } == ["a\nb"])
    }

    @Test func anEventWithoutEndIsBounded() throws {
        var events = ServerSentEvents()
        events.maxEventBytes = 1024
        #expect(throws: ServerSentEvents.Overflow.self) { _ = try events.feed([UInt8](repeating: 0x61, count: 2048)) }
    }
}
