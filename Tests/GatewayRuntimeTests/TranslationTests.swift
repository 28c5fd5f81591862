import Foundation
import GatewayRuntime
import Testing

/// OpenAI ↔ Anthropic translation against agentgateway's golden snapshots.
@Suite("OpenAI to Anthropic translation")
struct TranslationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/translation").path

    /// The JSON after a snapshot's YAML header.
    static func snapshot(_ path: String) throws -> JSONNode {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let start = text.range(of: "\n---\n{", options: .backwards) else { throw TranslationError("no JSON in \(path)") }
        return try JSONNode.parse(String(text[text.index(start.upperBound, offsetBy: -1)...]))
    }

    static var requestCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/requests/completions")) ?? []).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test(arguments: requestCases)
    func completionsRequestBecomesTheGoldenMessagesRequest(_ name: String) throws {
        let input = try JSONNode.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/requests/completions/\(name).json"))))
        let expected = try #require(try Self.snapshot("\(Self.root)/requests/completions/\(name).anthropic.snap")["request"])
        let translated = try CompletionsToMessages.request(input)
        #expect(translated.equals(expected), "\(name):\n got \(translated.text)\nwant \(expected.text)")
    }

    @Test(arguments: ["basic", "tool"])
    func messagesResponseBecomesTheGoldenCompletionsResponse(_ name: String) throws {
        let input = try JSONNode.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/response/anthropic/\(name).json"))))
        let expected = try #require(try Self.snapshot("\(Self.root)/response/anthropic/\(name).messages-completions.snap")["response"])
        let translated = MessagesToCompletions.response(input)
        // The golden file masks the generated id and time.
        translated.set("id", "[id]")
        translated.set("created", "[date]")
        #expect(translated.equals(expected), "\(name):\n got \(translated.text)\nwant \(expected.text)")
    }

    @Test func theBackendModelOverridesTheClients() throws {
        let input = try JSONNode.parse(#"{"model": "claude-opus-4-7", "messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(try CompletionsToMessages.request(input, modelOverride: "claude-sonnet-4-5")["model"]?.string == "claude-sonnet-4-5")
    }

    @Test func theSeedsCurlRequestMovesItsSystemPrompt() throws {
        let seed = """
            {"model": "claude-opus-4-7", "max_tokens": 1024, "messages": [
              {"role": "system", "content": "You are a skilled cloud-native network engineer."},
              {"role": "user", "content": "Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}
            """
        let translated = try CompletionsToMessages.request(try JSONNode.parse(seed), modelOverride: "claude-opus-4-7")
        #expect(translated["system"]?.string == "You are a skilled cloud-native network engineer.")
        #expect(translated["messages"]?.elements.count == 1)
        #expect(translated["max_tokens"]?.int == 1024)
    }

    @Test func aMissingModelIsAnError() throws {
        #expect(throws: TranslationError("missing field: model not specified")) {
            try CompletionsToMessages.request(try JSONNode.parse(#"{"messages": []}"#))
        }
    }

    @Test func toolCallsAndResultsBecomeBlocks() throws {
        let input = try JSONNode.parse("""
            {"model": "m", "parallel_tool_calls": false, "tool_choice": "required",
             "tools": [{"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}}],
             "messages": [
               {"role": "user", "content": "read it"},
               {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": "{\\"path\\":\\"a\\"}"}}]},
               {"role": "tool", "tool_call_id": "call_1", "content": "42"}]}
            """)
        let output = try CompletionsToMessages.request(input)
        let messages = output["messages"]?.elements ?? []
        #expect(messages.count == 3)
        #expect(messages[1]["content"]?.elements.first?["type"]?.string == "tool_use")
        #expect(messages[1]["content"]?.elements.first?["input"]?["path"]?.string == "a")
        #expect(messages[2]["role"]?.string == "user")
        #expect(messages[2]["content"]?.elements.first?["tool_use_id"]?.string == "call_1")
        #expect(output["tool_choice"]?["type"]?.string == "any")
        #expect(output["tool_choice"]?["disable_parallel_tool_use"]?.bool == true)
    }

    @Test func upstreamErrorsTakeOpenAIsShape() throws {
        let error = MessagesToCompletions.error(body: Array(#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#.utf8))
        #expect(error["error"]?["type"]?.string == "invalid_request_error")
        #expect(error["error"]?["message"]?.string == "invalid x-api-key")
        #expect(error["event_id"]?.isNull == true)
        #expect(MessagesToCompletions.error(body: Array("upstream down".utf8))["error"]?["message"]?.string == "upstream down")
    }

    @Test func serialisationKeepsOrderAndShortReals() throws {
        let node = try JSONNode.parse(#"{"b": 0.7, "a": [1, "x"]}"#)
        #expect(node.text == #"{"b":0.7,"a":[1,"x"]}"#)
    }
}
