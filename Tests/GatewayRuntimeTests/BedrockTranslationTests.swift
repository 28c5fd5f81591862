import Foundation
import GatewayIR
@testable import GatewayRuntime
import Testing

/// Messages ↔ Converse, buffered and streamed (the event-stream captures in Fixtures/bedrock,
/// decoded by botocore before they were saved).
@Suite struct BedrockTranslationTests {
    static func fixture(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bedrock/\(name)")
        return (try? [UInt8](Data(contentsOf: url))) ?? []
    }

    @Test func messagesRequestBecomesConverse() throws {
        let input = try JSONNode.parse("""
            {"model": "m", "max_tokens": 300, "temperature": 0.2, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"],
             "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
             "messages": [
               {"role": "user", "content": "Weather?"},
               {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
               {"role": "assistant", "content": [{"type": "text", "text": "Checking."}, {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"location": "Paris"}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "18C", "is_error": true}]}],
             "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"}}],
             "tool_choice": {"type": "tool", "name": "get_weather"},
             "thinking": {"type": "enabled", "budget_tokens": 2048}}
            """)
        let output = try MessagesToConverse.request(input)
        #expect(output["model"] == nil)
        // Two user messages in a row are one Converse message.
        #expect(output["messages"]?.elements.map { $0["role"]?.string ?? "" } == ["user", "assistant", "user"])
        let first = output["messages"]?.elements.first?["content"]?.elements ?? []
        #expect(first.first?["text"]?.string == "Weather?")
        #expect(first.last?["image"]?["format"]?.string == "png")
        #expect(first.last?["image"]?["source"]?["bytes"]?.string == "iVBORw0KGgo=")
        let use = output["messages"]?.elements[1]["content"]?.elements.last?["toolUse"]
        #expect(use?["toolUseId"]?.string == "t1")
        #expect(use?["input"]?["location"]?.string == "Paris")
        let result = output["messages"]?.elements[2]["content"]?.elements.first?["toolResult"]
        #expect(result?["content"]?.elements.first?["text"]?.string == "18C")
        #expect(result?["status"]?.string == "error")
        #expect(output["system"]?.elements.first?["text"]?.string == "Be brief.")
        #expect(output["system"]?.elements.last?["cachePoint"]?["type"]?.string == "default")
        #expect(output["inferenceConfig"]?["maxTokens"]?.int == 300)
        #expect(output["inferenceConfig"]?["topP"]?.double == 0.9)
        #expect(output["inferenceConfig"]?["stopSequences"]?.elements.first?.string == "END")
        #expect(output["additionalModelRequestFields"]?["top_k"]?.int == 40)
        #expect(output["additionalModelRequestFields"]?["thinking"]?["budget_tokens"]?.int == 2048)
        #expect(output["toolConfig"]?["tools"]?.elements.first?["toolSpec"]?["inputSchema"]?["json"]?["type"]?.string == "object")
        #expect(output["toolConfig"]?["toolChoice"]?["tool"]?["name"]?.string == "get_weather")
    }

    @Test func promptCachingAddsCachePointsOnceThePromptIsLargeEnough() throws {
        let input = try JSONNode.parse(#"{"system": "Be brief and exact.", "tools": [{"name": "t", "input_schema": {}}], "messages": [{"role": "user", "content": "one two three"}, {"role": "assistant", "content": "four"}, {"role": "user", "content": "five"}]}"#)
        var caching = PromptCaching()
        caching.cacheTools = true
        caching.minTokens = 5
        let output = try MessagesToConverse.request(input, caching: caching)
        #expect(output["system"]?.elements.last?["cachePoint"] != nil)
        #expect(output["toolConfig"]?["tools"]?.elements.last?["cachePoint"] != nil)
        // The second-to-last message; offset 1 moves it one further back.
        #expect(output["messages"]?.elements[1]["content"]?.elements.last?["cachePoint"] != nil)
        caching.messageOffset = 1
        #expect(try MessagesToConverse.request(input, caching: caching)["messages"]?.elements[0]["content"]?.elements.last?["cachePoint"] != nil)
        caching.minTokens = 1000  // 9 words: about 12 tokens
        let small = try MessagesToConverse.request(input, caching: caching)
        #expect(small["system"]?.elements.contains { $0["cachePoint"] != nil } == false)
    }

    @Test func aURLImageIsRefused() throws {
        let input = try JSONNode.parse(#"{"messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]}]}"#)
        #expect(throws: TranslationError.self) { try MessagesToConverse.request(input) }
    }

    @Test func converseAnswerBecomesMessages() throws {
        let input = try JSONNode.parse("""
            {"output": {"message": {"role": "assistant", "content": [
               {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}}, {"text": "Checking."},
               {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"location": "Paris"}}}]}},
             "stopReason": "tool_use", "usage": {"inputTokens": 30, "outputTokens": 9, "totalTokens": 39, "cacheReadInputTokens": 5, "cacheWriteInputTokens": 3}}
            """)
        let output = ConverseToMessages.response(input, model: "m", id: "req-1")
        #expect(output["id"]?.string == "msg_bdrk_req-1")
        #expect(output["model"]?.string == "m")
        #expect(output["content"]?.elements.map { $0["type"]?.string ?? "" } == ["thinking", "text", "tool_use"])
        #expect(output["content"]?.elements[2]["input"]?["location"]?.string == "Paris")
        #expect(output["stop_reason"]?.string == "tool_use")
        // Anthropic's input_tokens leaves the cache out: 30 - 5 - 3.
        #expect(output["usage"]?["input_tokens"]?.int == 22)
        #expect(output["usage"]?["cache_read_input_tokens"]?.int == 5)
        #expect(output["usage"]?["cache_creation_input_tokens"]?.int == 3)
        let guarded = try JSONNode.parse(#"{"output": {"message": {"content": []}}, "stopReason": "guardrail_intervened"}"#)
        #expect(ConverseToMessages.response(guarded, model: "m", id: nil)["stop_reason"]?.string == "refusal")
    }

    @Test func bedrockErrorsGetAnthropicsShape() throws {
        let error = ConverseToMessages.error(body: Array(#"{"message":"Too many requests"}"#.utf8), status: 429)
        #expect(error["error"]?["type"]?.string == "rate_limit_error")
        #expect(error["error"]?["message"]?.string == "Too many requests")
    }

    @Test func eventStreamFramesAreReassembledFromAnySplit() throws {
        let bytes = Self.fixture("converse-stream-tool.eventstream")
        #expect(bytes.count == 1576)
        for size in [1, 7, 100, bytes.count] {
            var decoder = EventStreamDecoder()
            var types: [String] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                let piece = Array(bytes[start..<min(start + size, bytes.count)])
                types += try piece.withUnsafeBytes { try decoder.feed($0) }.map { $0.headers[":event-type"] ?? "?" }
            }
            #expect(types == ["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"])
        }
    }

    @Test func aCorruptedFrameIsAnError() {
        var bytes = Self.fixture("converse-stream-tool.eventstream")
        bytes[40] ^= 0xFF  // inside the first message's payload
        var decoder = EventStreamDecoder()
        #expect(throws: EventStreamDecoder.Malformed.self) { _ = try bytes.withUnsafeBytes { try decoder.feed($0) } }
    }

    @Test func converseStreamBecomesAnthropicEvents() {
        let translator = ConverseStreamTranslator(model: "m", next: nil)
        let output = String(decoding: Self.fixture("converse-stream-tool.eventstream").withUnsafeBytes { translator.feed($0) }, as: UTF8.self)
        let names = output.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(output.contains(#""partial_json":"{\"location\": ""#))
        #expect(output.contains(#""stop_reason":"tool_use""#))
        #expect(translator.completed)
        #expect(translator.inputTokens == 25)
        #expect(translator.outputTokens == 9)
        #expect(translator.cachedTokens == 5)
        #expect(translator.finish(cause: nil).isEmpty)
    }

    @Test func converseStreamBecomesChatCompletionChunks() {
        let translator = ConverseStreamTranslator(model: "m", next: MessagesStreamTranslator())
        let output = String(decoding: Self.fixture("converse-stream-tool.eventstream").withUnsafeBytes { translator.feed($0) }, as: UTF8.self)
        #expect(output.contains(#""content":"Hello""#))
        #expect(output.contains(#""name":"get_weather""#))
        #expect(output.contains(#""finish_reason":"tool_calls""#))
        #expect(translator.completed)
        #expect(String(decoding: translator.finish(cause: nil), as: UTF8.self) == "data: [DONE]\n\n")
    }

    @Test func anExceptionFailsTheStreamWithAnErrorEvent() {
        let translator = ConverseStreamTranslator(model: "m", next: nil)
        let output = String(decoding: Self.fixture("converse-stream-exception.eventstream").withUnsafeBytes { translator.feed($0) }, as: UTF8.self)
        #expect(output.contains("event: error"))
        #expect(output.contains(#""type":"rate_limit_error""#))
        #expect(output.contains("Too many tokens"))
        #expect(!translator.completed)
        #expect(translator.failure?.contains("throttlingException") == true)
    }
}

/// Vertex AI's Anthropic models: the rawPredict path beside the OpenAI-compatible endpoint, the
/// model out of the body and the Vertex version in it, the request body left as it was.
@Suite struct VertexAnthropicTests {
    @Test func aClaudeModelGoesToRawPredict() throws {
        let body = try JSONNode.parse(#"{"model": "claude-sonnet-4-5@20250929", "max_tokens": 5, "stream": true, "messages": []}"#)
        let request = try #require(VertexAnthropic.request(body, formats: [.completions, .vertexAnthropic]))
        #expect(request.suffix == "/publishers/anthropic/models/claude-sonnet-4-5%4020250929:streamRawPredict")
        #expect(request.body["model"] == nil)
        #expect(request.body["anthropic_version"]?.string == "vertex-2023-10-16")
        #expect(body["model"]?.string == "claude-sonnet-4-5@20250929")  // failover may send it elsewhere
        #expect(VertexAnthropic.request(try JSONNode.parse(#"{"model": "gemini-2.5-pro"}"#), formats: [.completions, .vertexAnthropic]) == nil)
        #expect(VertexAnthropic.request(body, formats: [.completions]) == nil)
    }
}
