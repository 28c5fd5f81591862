/// OpenAI Chat Completions response → Anthropic Messages response (buffered), and OpenAI errors
/// → Anthropic's error shape, for a Messages client on an OpenAI-compatible provider. Checked
/// against agentgateway's golden snapshots (`response/completions/*.completions-messages.snap`):
/// the message's text becomes a text block (none when it is empty or absent), its tool calls
/// `tool_use` blocks (arguments parsed; text that is not JSON kept as `{}`), the finish reason a
/// stop reason, and usage Anthropic's way: `input_tokens` without the cached ones, which are
/// `cache_read_input_tokens` when the provider reports them, `service_tier` kept.
public enum CompletionsToMessagesResponse {
    public static func response(_ input: JSONNode) -> JSONNode {
        let output = JSONNode.object()
        output.set("id", input["id"] ?? .string(""))
        output.set("type", "message")
        output.set("role", "assistant")
        let content = JSONNode.array()
        let choice = input["choices"]?.elements.first
        if let text = choice?["message"]?["content"]?.string, !text.isEmpty {
            let block = JSONNode.object()
            block.set("type", "text")
            block.set("text", text)
            content.append(block)
        }
        for call in choice?["message"]?["tool_calls"]?.elements ?? [] { content.append(toolUse(call)) }
        output.set("content", content)
        output.set("model", input["model"] ?? .string(""))
        output.set("stop_reason", stopReason(choice?["finish_reason"]?.string).map { JSONNode.string($0) } ?? .null())
        output.set("stop_sequence", .null())
        output.set("usage", usage(input))
        return output
    }

    static func toolUse(_ call: JSONNode) -> JSONNode {
        let block = JSONNode.object()
        block.set("type", "tool_use")
        block.set("id", call["id"] ?? .string(""))
        block.set("name", call["function"]?["name"] ?? .string(""))
        let arguments = call["function"]?["arguments"]?.string ?? "{}"
        block.set("input", (try? JSONNode.parse(arguments)) ?? .object())
        return block
    }

    public static func stopReason(_ finishReason: String?) -> String? {
        switch finishReason {
        case "stop": "end_turn"
        case "length": "max_tokens"
        case "tool_calls", "function_call": "tool_use"
        case "content_filter": "refusal"
        default: nil
        }
    }

    /// Anthropic's `input_tokens` excludes cache reads; OpenAI's `prompt_tokens` includes them.
    public static func usage(_ input: JSONNode) -> JSONNode {
        let output = usage(wrapping: input["usage"])
        if let tier = input["service_tier"]?.string { output.set("service_tier", tier) }
        return output
    }

    /// An OpenAI `usage` object in Anthropic's terms (a stream's `message_delta` carries no service tier).
    public static func usage(wrapping usage: JSONNode?) -> JSONNode {
        let prompt = usage?["prompt_tokens"]?.int ?? 0
        let cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.int
        let output = JSONNode.object()
        output.set("input_tokens", prompt - (cached ?? 0))
        output.set("output_tokens", usage?["completion_tokens"]?.int ?? 0)
        if let cached { output.set("cache_read_input_tokens", cached) }
        return output
    }

    /// An OpenAI error body (`{"error": {"message", "type", ...}}`) as Anthropic's
    /// (`{"type": "error", "error": {"type", "message"}}`), the type mapped from the status.
    public static func error(status: Int, body: [UInt8]) -> JSONNode {
        let parsed = try? JSONNode.parse(body)
        let message = parsed?["error"]?["message"]?.string ?? parsed?["message"]?.string ?? String(decoding: body.prefix(1024), as: UTF8.self)
        let kinds: [Int: String] = [400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 529: "overloaded_error"]
        return errorBody(type: kinds[status] ?? "api_error", message: message)
    }

    /// Anthropic's error shape: `{"type": "error", "error": {"type", "message"}}` (also a stream's `error` event's data).
    public static func errorBody(type: String, message: String) -> JSONNode {
        let error = JSONNode.object(), output = JSONNode.object()
        error.set("type", type)
        error.set("message", message)
        output.set("type", "error")
        output.set("error", error)
        return output
    }
}
