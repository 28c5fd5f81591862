import Foundation
import NIOCore

/// Anthropic Messages response → OpenAI Chat Completions response (buffered), and Anthropic
/// errors → OpenAI's error shape, as agentgateway maps them (NOTES §4.3, §4.5, §4.6).
public enum MessagesToCompletions {
    public static func response(_ input: JSONNode, created: Int = Int(Date().timeIntervalSince1970)) -> JSONNode {
        let output = JSONNode.object()
        output.set("id", input["id"] ?? .string(""))
        output.set("object", "chat.completion")
        output.set("created", created)
        output.set("model", input["model"] ?? .string(""))
        var texts: [String] = []
        let toolCalls = JSONNode.array()
        var reasoning: String?
        for block in input["content"]?.elements ?? [] {
            switch block["type"]?.string {
            case "text": if let text = block["text"]?.string { texts.append(text) }
            case "tool_use", "server_tool_use": toolCalls.append(toolCall(block))
            case "thinking": reasoning = block["thinking"]?.string
            default: continue
            }
        }
        let message = JSONNode.object()
        message.set("role", "assistant")
        message.set("content", texts.isEmpty ? .null() : .string(texts.joined()))
        if toolCalls.count > 0 { message.set("tool_calls", toolCalls) }
        if let reasoning { message.set("reasoning_content", reasoning) }
        let choice = JSONNode.object()
        choice.set("index", 0)
        choice.set("message", message)
        choice.set("finish_reason", finishReason(input["stop_reason"]?.string).map { JSONNode.string($0) } ?? .null())
        let choices = JSONNode.array()
        choices.append(choice)
        output.set("choices", choices)
        if let usage = input["usage"] {
            output.set("usage", self.usage(usage))
            if let tier = usage["service_tier"] { output.set("service_tier", tier) }
        }
        return output
    }

    static func toolCall(_ block: JSONNode) -> JSONNode {
        let call = JSONNode.object()
        call.set("id", block["id"] ?? .string(""))
        call.set("type", "function")
        let function = JSONNode.object()
        function.set("name", block["name"] ?? .string(""))
        function.set("arguments", block["input"].map { $0.text } ?? "{}")
        call.set("function", function)
        return call
    }

    public static func finishReason(_ stopReason: String?) -> String? {
        switch stopReason {
        case "end_turn", "stop_sequence", "pause_turn": "stop"
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: nil
        }
    }

    /// prompt_tokens is Anthropic's input_tokens (which excludes cache reads and writes); the cache
    /// figures follow as agentgateway reports them.
    public static func usage(_ usage: JSONNode) -> JSONNode {
        let input = usage["input_tokens"]?.int ?? 0, output = usage["output_tokens"]?.int ?? 0
        let result = JSONNode.object()
        result.set("prompt_tokens", input)
        result.set("completion_tokens", output)
        result.set("total_tokens", input + output)
        let read = usage["cache_read_input_tokens"]?.int, write = usage["cache_creation_input_tokens"]?.int
        if read != nil || write != nil {
            let details = JSONNode.object()
            details.set("cached_tokens", read ?? 0)
            details.set("cache_write_tokens", write ?? 0)
            result.set("prompt_tokens_details", details)
            if let read { result.set("cache_read_input_tokens", read) }
            if let write { result.set("cache_creation_input_tokens", write) }
        }
        return result
    }

    /// An upstream error body as OpenAI clients expect it; the status code passes through and
    /// `type` is always `invalid_request_error`, as agentgateway does.
    public static func error(body: ByteBuffer) -> JSONNode {
        error(body: Array(body.readableBytesView))  // error bodies are small; one copy is fine
    }

    public static func error(body: [UInt8]) -> JSONNode {
        let message: String
        if let parsed = try? JSONNode.parse(body), let text = parsed["error"]?["message"]?.string {
            message = text
        } else {
            message = String(decoding: body, as: UTF8.self)
        }
        let error = JSONNode.object()
        error.set("type", "invalid_request_error")
        error.set("message", message)
        let output = JSONNode.object()
        output.set("event_id", .null())
        output.set("error", error)
        return output
    }
}
