import Foundation
import Testing

@testable import GatewayRuntime

/// An OpenAI provider's stream as an Anthropic client's events, against agentgateway's golden snapshot.
@Suite("Chat Completions stream to Messages events")
struct CompletionsStreamTests {
    static let directory = "\(TranslationTests.root)/response/completions"

    /// `event:` names and `data:` JSON of an event stream.
    static func events(_ text: String) throws -> [(name: String, data: JSONNode)] {
        try text.components(separatedBy: "\n\n").compactMap { block -> (String, JSONNode)? in
            let lines = block.split(separator: "\n")
            guard let name = lines.first(where: { $0.hasPrefix("event: ") }), let data = lines.first(where: { $0.hasPrefix("data: ") }) else { return nil }
            return (String(name.dropFirst(7)), try JSONNode.parse(String(data.dropFirst(6))))
        }
    }

    /// Feeds `input` in uneven 97-byte pieces, as a socket delivers them, then ends the stream.
    static func translate(_ input: [UInt8], with translator: any StreamTranslator) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + 97)
            out += input[offset..<end].withUnsafeBytes { translator.feed($0) }
            offset = end
        }
        return out + translator.finish(cause: nil)
    }

    @Test func theGoldenStreamTranslatesEventForEvent() throws {
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/stream.json")))
        let snapshot = try String(contentsOfFile: "\(Self.directory)/stream.completions-messages-streaming.snap", encoding: .utf8)
        let body = try #require(snapshot.range(of: "\n---\n")).upperBound
        let expected = try Self.events(String(snapshot[body...]))
        let translator = CompletionsStreamTranslator()
        let out = Self.translate(input, with: translator)
        let got = try Self.events(String(decoding: out, as: UTF8.self))
        #expect(got.count == expected.count, "\(got.count) events, want \(expected.count)")
        for (index, (event, want)) in zip(got, expected).enumerated() {
            var data = event.data
            if event.name == "message_start" { data = want.data }  // the message id is the provider's; compared below
            #expect(event.name == want.name && data.equals(want.data), "event \(index): got \(event.name) \(event.data.text), want \(want.name) \(want.data.text)")
        }
        #expect(got.first?.data["message"]?["model"]?.string == "gpt-5-nano-2025-08-07")
        #expect(translator.completed && translator.inputTokens == 18 && translator.outputTokens == 286 && translator.cachedTokens == 0)
    }

    @Test func toolCallsBecomeToolUseBlocksAndACutStreamEndsInAnError() throws {
        let chunks = [
            #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me look."}}]}"#,
            #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read","arguments":""}}]}}]}"#,
            #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\":"}}]}}]}"#,
            #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"a\"}"}}]},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]
        let translator = CompletionsStreamTranslator()
        let text = chunks.map { "data: \($0)\n\n" }.joined()
        let out = Array(text.utf8).withUnsafeBytes { translator.feed($0) }
        let events = try Self.events(String(decoding: out, as: UTF8.self))
        #expect(events.map(\.name) == ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start",
                                       "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        #expect(events[4].data["content_block"]?["name"]?.string == "read" && events[4].data["index"]?.int == 1)
        #expect(events[8].data["delta"]?["stop_reason"]?.string == "tool_use")
        let cut = CompletionsStreamTranslator()
        _ = Array("data: \(chunks[0])\n\n".utf8).withUnsafeBytes { cut.feed($0) }
        #expect(!cut.completed)
        let end = try Self.events(String(decoding: cut.finish(cause: nil), as: UTF8.self))
        #expect(end.first?.name == "error" && end.first?.data["error"]?["type"]?.string == "api_error")
    }
}
