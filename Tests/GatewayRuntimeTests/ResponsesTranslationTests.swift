import Foundation
import Testing

@testable import GatewayRuntime

/// Responses clients on providers reached through Chat Completions: requests and answers against
/// the fixtures in Fixtures/responses (SOURCE.md), which the openai SDK's own types validate.
@Suite("Responses translation")
struct ResponsesTranslationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/responses").path
    static let inputs = TranslationTests.root + "/response"
    static var recording: Bool { ProcessInfo.processInfo.environment["GWRUN_RECORD_FIXTURES"] == "1" }

    static func json(_ path: String) throws -> JSONNode { try JSONNode.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }
    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Compares with the recorded fixture, or records it (GWRUN_RECORD_FIXTURES=1).
    static func expectRecorded(_ output: [UInt8], _ path: String) throws {
        if recording { return try Data(output).write(to: URL(fileURLWithPath: path)) }
        let recorded = try bytes(path)
        #expect(output == recorded, "\(path):\n got \(String(decoding: output, as: UTF8.self))")
    }

    /// The request every answer fixture echoes.
    static let echoed = #"{"model": "gpt-4o", "input": "hi", "instructions": "Be brief."}"#

    @Test(arguments: ["codex", "multimodal"])
    func aResponsesRequestBecomesTheRecordedCompletionsRequest(_ name: String) throws {
        let translated = try ResponsesToCompletionsRequest.request(try Self.json("\(Self.root)/requests/\(name).json"))
        try Self.expectRecorded(JSONNode.parse(translated.serialized()).serialized() + [10], "\(Self.root)/requests/\(name).completions.json")
    }

    @Test func theCodexRequestKeepsOneAssistantTurnPerCallGroupAndDropsReasoning() throws {
        let messages = try #require(try ResponsesToCompletionsRequest.request(try Self.json("\(Self.root)/requests/codex.json"))["messages"]?.elements)
        #expect(messages.map { $0["role"]?.string ?? "" } == ["system", "user", "assistant", "tool", "tool", "assistant", "user"])
        #expect(messages[2]["tool_calls"]?.elements.map { $0["id"]?.string ?? "" } == ["call_read_1", "call_stat_1"])
        // And on to Anthropic: the two calls one assistant message, the results tool_result blocks.
        let anthropic = try CompletionsToMessages.request(try ResponsesToCompletionsRequest.request(try Self.json("\(Self.root)/requests/codex.json")), modelOverride: "claude-opus-4-7")
        #expect(anthropic["system"]?.string?.hasPrefix("You are a coding agent") == true)
        #expect(anthropic["messages"]?.elements[1]["content"]?.elements.map { $0["type"]?.string ?? "" } == ["tool_use", "tool_use"])
        #expect(anthropic["thinking"]?["budget_tokens"]?.int == 2048)
    }

    @Test(arguments: [
        (#"{"model": "m", "input": "hi", "previous_response_id": "resp_1"}"#, "previous_response_id"),
        (#"{"model": "m", "input": "hi", "tools": [{"type": "web_search"}]}"#, "web_search"),
        (#"{"model": "m", "input": [{"type": "item_reference", "id": "msg_1"}]}"#, "item_reference"),
        (#"{"model": "m", "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "file_1"}]}]}"#, "file_id"),
        (#"{"input": "hi"}"#, "model"),
    ])
    func whatCannotBeTranslatedIsRefusedNamingIt(_ body: String, _ named: String) throws {
        #expect { try ResponsesToCompletionsRequest.request(try JSONNode.parse(body)) } throws: { "\($0)".contains(named) }
    }

    static var completionAnswers: [String] { MessagesClientTranslationTests.cases("response/completions").filter { $0 != "stream" } }

    @Test(arguments: completionAnswers)
    func aCompletionsAnswerBecomesTheRecordedResponse(_ name: String) throws {
        let answer = CompletionsToResponsesResponse.response(try Self.json("\(Self.inputs)/completions/\(name).json"), request: try JSONNode.parse(Self.echoed))
        try Self.expectRecorded(answer.serialized() + [10], "\(Self.root)/answers/completions-\(name).responses.json")
    }

    @Test(arguments: ["basic", "tool"])
    func anAnthropicAnswerBecomesTheRecordedResponse(_ name: String) throws {
        let completion = MessagesToCompletions.response(try Self.json("\(Self.inputs)/anthropic/\(name).json"), created: 1_700_000_000)
        let answer = CompletionsToResponsesResponse.response(completion, request: try JSONNode.parse(Self.echoed))
        try Self.expectRecorded(answer.serialized() + [10], "\(Self.root)/answers/anthropic-\(name).responses.json")
    }

    @Test func theCompletionsStreamBecomesTheRecordedEvents() throws {
        let chain = ResponsesStreamChain(fromAnthropic: false, request: try JSONNode.parse(Self.echoed), responseGuards: [])
        let out = CompletionsStreamTests.translate(try Self.bytes("\(Self.inputs)/completions/stream.json"), with: chain)
        #expect(chain.completed)
        try Self.expectRecorded(out, "\(Self.root)/answers/completions-stream.responses.sse")
    }

    @Test(arguments: ["stream_basic", "stream_thinking", "stream_tool_empty_args"])
    func anAnthropicStreamBecomesTheRecordedEvents(_ name: String) throws {
        let chain = ResponsesStreamChain(fromAnthropic: true, request: try JSONNode.parse(Self.echoed), responseGuards: [], created: 1_700_000_000)
        let out = CompletionsStreamTests.translate(try Self.bytes("\(Self.inputs)/anthropic/\(name).json"), with: chain)
        #expect(chain.completed && chain.failure == nil)
        #expect(chain.inputTokens != nil)
        try Self.expectRecorded(out, "\(Self.root)/answers/anthropic-\(name).responses.sse")
    }

    static func eventTypes(_ bytes: [UInt8]) throws -> [String] {
        try CompletionsStreamTests.events(String(decoding: bytes, as: UTF8.self)).map(\.name)
    }

    @Test func aStreamCutBeforeItsEndEndsWithResponseFailed() throws {
        let chain = ResponsesStreamChain(fromAnthropic: false, request: try JSONNode.parse(Self.echoed), responseGuards: [])
        let cut = #"data: {"id": "chatcmpl-1", "created": 1, "model": "m", "choices": [{"index": 0, "delta": {"content": "Hel"}}]}"# + "\n\n"
        let out = Array(cut.utf8).withUnsafeBytes { chain.feed($0) } + chain.finish(cause: nil)
        let types = try Self.eventTypes(out)
        #expect(types.first == "response.created" && types.last == "response.failed")
        #expect(!types.contains("response.completed"))
        #expect(!chain.completed)
    }

    @Test func aLengthStopIsAnIncompleteResponse() throws {
        let chain = ResponsesStreamChain(fromAnthropic: false, request: try JSONNode.parse(Self.echoed), responseGuards: [])
        let stream = #"data: {"id": "chatcmpl-1", "created": 1, "model": "m", "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": "length"}]}"# + "\n\ndata: [DONE]\n\n"
        let out = Array(stream.utf8).withUnsafeBytes { chain.feed($0) }
        let last = try #require(try CompletionsStreamTests.events(String(decoding: out, as: UTF8.self)).last)
        #expect(last.name == "response.incomplete")
        #expect(last.data["response"]?["incomplete_details"]?["reason"]?.string == "max_output_tokens")
    }

    @Test func aRejectingResponseGuardEndsTheStreamWithItsMessage() throws {
        let rule = PromptGuardRule(action: .reject, patterns: [try NSRegularExpression(pattern: "secret")], builtins: [], rejectStatus: 403, rejectMessage: "answer withheld")
        let chain = ResponsesStreamChain(fromAnthropic: false, request: try JSONNode.parse(Self.echoed), responseGuards: [rule])
        let stream = #"data: {"id": "chatcmpl-1", "created": 1, "model": "m", "choices": [{"index": 0, "delta": {"content": "the secret is 42"}, "finish_reason": "stop"}]}"# + "\n\ndata: [DONE]\n\n"
        let out = Array(stream.utf8).withUnsafeBytes { chain.feed($0) } + chain.finish(cause: nil)
        let text = String(decoding: out, as: UTF8.self)
        #expect(chain.rejectedByGuard)
        #expect(!text.contains("secret"))
        let last = try #require(try CompletionsStreamTests.events(text).last)
        #expect(last.name == "response.failed" && last.data["response"]?["error"]?["message"]?.string == "answer withheld")
    }
}
