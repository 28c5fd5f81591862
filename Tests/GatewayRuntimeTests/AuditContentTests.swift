import Testing

@testable import GatewayRuntime

/// The text an opted-in route's audit record keeps: the prompt fields, and the answer's text
/// from either provider's buffered or streamed shape, capped.
@Suite("Audit content")
struct AuditContentTests {
    @Test func thePromptFieldsAreKeptAndNothingElse() throws {
        let body = try JSONNode.parse(#"{"model": "m", "temperature": 0.2, "system": "be brief", "messages": [{"role": "user", "content": "hi"}]}"#)
        let content = AuditContent(request: body)
        let prompt = try JSONNode.parse(try #require(content.prompt))
        #expect(prompt.keys.sorted() == ["messages", "system"])
        #expect(prompt["messages"]?.elements.first?["content"]?.string == "hi")
    }

    @Test func answersOfBothShapesAndTheirStreamsGiveTheirText() throws {
        var content = AuditContent(request: try JSONNode.parse("{}"))
        content.appendAnswer(try JSONNode.parse(#"{"choices": [{"message": {"content": "openai "}}]}"#))
        content.appendAnswer(try JSONNode.parse(#"{"content": [{"type": "text", "text": "anthropic "}, {"type": "tool_use", "name": "x"}]}"#))
        content.appendEvent(Array(#"{"choices": [{"delta": {"content": "chunk "}}]}"#.utf8))
        content.appendEvent(Array(#"{"type": "content_block_delta", "delta": {"type": "text_delta", "text": "delta"}}"#.utf8))
        content.appendEvent(Array("[DONE]".utf8))
        #expect(content.completion == "openai anthropic chunk delta")
        #expect(!content.truncated)
    }

    @Test func textBeyondTheLimitIsCutAndSaysSo() throws {
        var content = AuditContent(request: try JSONNode.parse("{}"))
        content.append(String(repeating: "a", count: AuditContent.limit - 1))
        content.append("bcd")
        #expect(content.completion.utf8.count == AuditContent.limit)
        #expect(content.truncated)
        content.append("more")
        #expect(content.completion.utf8.count == AuditContent.limit)
        let big = try JSONNode.parse("{\"messages\": \"\(String(repeating: "x", count: AuditContent.limit))\"}")
        let prompt = AuditContent(request: big)
        #expect(prompt.truncated)
        let cut = try #require(prompt.prompt)
        #expect(cut.first == UInt8(ascii: "\"") && cut.last == UInt8(ascii: "\""), "a cut prompt is kept as a JSON string")
        #expect(cut.count > AuditContent.limit && cut.count < AuditContent.limit + 16, "its first 256 KiB, quoted (a few characters escaped)")
    }
}
