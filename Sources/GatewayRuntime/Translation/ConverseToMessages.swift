import Foundation

/// Bedrock Converse response → Anthropic Messages response, and Bedrock's errors → Anthropic's
/// error shape. Clients of the other formats get these translated once more
/// (`MessagesToCompletions`, `CompletionsToResponsesResponse`), as for an Anthropic provider.
public enum ConverseToMessages {
    /// `model` is the model the request named (Converse does not echo it); `id` Bedrock's
    /// request id when it sent one.
    public static func response(_ input: JSONNode, model: String, id: String?) -> JSONNode {
        let output = JSONNode.object()
        output.set("id", "msg_bdrk_" + (id ?? UUID().uuidString.lowercased()))
        output.set("type", "message")
        output.set("role", "assistant")
        output.set("model", model)
        let content = JSONNode.array()
        for block in input["output"]?["message"]?["content"]?.elements ?? [] {
            if let text = block["text"]?.string {
                let converted = JSONNode.object()
                converted.set("type", "text")
                converted.set("text", text)
                content.append(converted)
            } else if let use = block["toolUse"] {
                let converted = JSONNode.object()
                converted.set("type", "tool_use")
                converted.set("id", use["toolUseId"] ?? .string(""))
                converted.set("name", use["name"] ?? .string(""))
                converted.set("input", use["input"] ?? .object())
                content.append(converted)
            } else if let reasoning = block["reasoningContent"]?["reasoningText"] {
                let converted = JSONNode.object()
                converted.set("type", "thinking")
                converted.set("thinking", reasoning["text"] ?? .string(""))
                converted.set("signature", reasoning["signature"] ?? .string(""))
                content.append(converted)
            }
        }
        output.set("content", content)
        output.set("stop_reason", stopReason(input["stopReason"]?.string).map { JSONNode.string($0) } ?? .null())
        output.set("stop_sequence", .null())
        output.set("usage", usage(input["usage"]))
        return output
    }

    /// Converse's stop reasons are Anthropic's, but for its guardrail and content filter, which
    /// clients read as a refusal.
    public static func stopReason(_ reason: String?) -> String? {
        switch reason {
        case "end_turn", "tool_use", "max_tokens", "stop_sequence", "model_context_window_exceeded": reason
        case "guardrail_intervened", "content_filtered": "refusal"
        case nil: nil
        default: "end_turn"
        }
    }

    /// Bedrock's `inputTokens` counts the whole prompt; Anthropic's `input_tokens` leaves the
    /// cache reads and writes out, so they are subtracted.
    public static func usage(_ usage: JSONNode?) -> JSONNode {
        let read = usage?["cacheReadInputTokens"]?.int, write = usage?["cacheWriteInputTokens"]?.int
        let result = JSONNode.object()
        result.set("input_tokens", max(0, (usage?["inputTokens"]?.int ?? 0) - (read ?? 0) - (write ?? 0)))
        result.set("output_tokens", usage?["outputTokens"]?.int ?? 0)
        if let read { result.set("cache_read_input_tokens", read) }
        if let write { result.set("cache_creation_input_tokens", write) }
        return result
    }

    /// `{"message": …}` (Bedrock's error body) → `{"type": "error", "error": {"type", "message"}}`,
    /// the type from the status as Anthropic's API would give it.
    public static func error(body: [UInt8], status: Int) -> JSONNode {
        CompletionsToMessagesResponse.error(status: status, body: body)
    }
}
