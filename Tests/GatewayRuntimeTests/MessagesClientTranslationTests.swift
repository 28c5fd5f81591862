import Foundation
import GatewayRuntime
import Testing

/// Anthropic Messages clients on OpenAI-compatible providers: the request and the buffered
/// answer against agentgateway's golden snapshots (Fixtures/translation, SOURCE.md).
@Suite("Anthropic Messages to OpenAI translation")
struct MessagesClientTranslationTests {
    static let root = TranslationTests.root

    static func cases(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(directory)")) ?? []).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func json(_ path: String) throws -> JSONNode { try JSONNode.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }

    @Test(arguments: cases("requests/messages"))
    func messagesRequestBecomesTheGoldenCompletionsRequest(_ name: String) throws {
        let input = try Self.json("\(Self.root)/requests/messages/\(name).json")
        let expected = try #require(try TranslationTests.snapshot("\(Self.root)/requests/messages/\(name).completions.snap")["request"])
        let translated = try MessagesToCompletionsRequest.request(input)
        #expect(translated.equals(expected), "\(name):\n got \(translated.text)\nwant \(expected.text)")
    }

    /// Every buffered case (`stream` is the streamed one).
    static var responseCases: [String] { cases("response/completions").filter { $0 != "stream" } }

    @Test(arguments: responseCases)
    func completionsResponseBecomesTheGoldenMessagesResponse(_ name: String) throws {
        let input = try Self.json("\(Self.root)/response/completions/\(name).json")
        let expected = try #require(try TranslationTests.snapshot("\(Self.root)/response/completions/\(name).completions-messages.snap")["response"])
        let translated = CompletionsToMessagesResponse.response(input)
        translated.set("id", "[id]")  // the golden file masks it
        #expect(translated.equals(expected), "\(name):\n got \(translated.text)\nwant \(expected.text)")
    }

    @Test func toolCallsBecomeToolUseBlocksAndAStreamAsksForUsage() throws {
        let answer = try JSONNode.parse(#"{"id": "x", "model": "m", "choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "read", "arguments": "{\"path\": \"a\"}"}}]}, "finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 5, "completion_tokens": 2}}"#)
        let translated = CompletionsToMessagesResponse.response(answer)
        let block = try #require(translated["content"]?.elements.first)
        #expect(block["type"]?.string == "tool_use" && block["name"]?.string == "read" && block["input"]?["path"]?.string == "a")
        #expect(translated["stop_reason"]?.string == "tool_use")
        let request = try MessagesToCompletionsRequest.request(try JSONNode.parse(#"{"model": "m", "max_tokens": 10, "stream": true, "stop_sequences": ["END"], "tool_choice": {"type": "any", "disable_parallel_tool_use": true}, "messages": [{"role": "user", "content": "hi"}]}"#))
        #expect(request["stream_options"]?["include_usage"]?.bool == true)
        #expect(request["stop"]?.elements.first?.string == "END")
        #expect(request["tool_choice"]?.string == "required" && request["parallel_tool_calls"]?.bool == false)
    }

    @Test func anOpenAIErrorGetsAnthropicsShape() throws {
        let error = CompletionsToMessagesResponse.error(status: 429, body: Array(#"{"error": {"message": "slow down", "type": "rate_limit"}}"#.utf8))
        #expect(error["type"]?.string == "error")
        #expect(error["error"]?["type"]?.string == "rate_limit_error" && error["error"]?["message"]?.string == "slow down")
    }
}
