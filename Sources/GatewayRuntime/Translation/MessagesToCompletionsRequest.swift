/// Anthropic Messages request → OpenAI Chat Completions request, so a Messages client (the
/// `anthropic` SDK, Claude Code) reaches an OpenAI-compatible provider. Checked against
/// agentgateway's golden snapshots (`requests/messages/*.completions.snap`):
/// - `system` (a string or text blocks) becomes a leading system message; every message's
///   content becomes a list of parts (a string, one text part);
/// - text blocks stay text, images become `image_url` parts (base64 sources as data URLs);
/// - an assistant's `tool_use` blocks become `tool_calls` (arguments as JSON text); a user's
///   `tool_result` blocks become `tool` messages, before the rest of that user message, with
///   their text parts (images in them are dropped);
/// - `cache_control` becomes `prompt_cache_breakpoint: {mode: explicit}` on models that take it
///   (`gpt-5.6…`), moved from a dropped image to the last text part (an empty one if none), and is
///   dropped for other models;
/// - `max_tokens` → `max_completion_tokens`, `stop_sequences` → `stop`, `temperature` and
///   `top_p` kept (`top_k` has no counterpart), with thinking on `output_config.effort` → `reasoning_effort`
///   (adaptive thinking without an effort on a turn with tools: `none`), `output_config.format` →
///   `response_format`, tools and `tool_choice` in OpenAI's shape, `metadata.user_id` → `user`;
///   `stream` is always set, and a stream asks for its usage (`stream_options.include_usage`).
public enum MessagesToCompletionsRequest {
    public static func request(_ input: JSONNode, modelOverride: String? = nil) throws -> JSONNode {
        guard let messages = input["messages"]?.elements else { throw TranslationError("messages: field required") }
        let model = modelOverride ?? input["model"]?.string ?? ""
        let breakpoints = model.hasPrefix("gpt-5.6")
        let output = JSONNode.object()
        let translated = JSONNode.array()
        if let system = input["system"] {
            let parts = textParts(system, breakpoints: breakpoints)
            if parts.count > 0 { translated.append(message("system", parts)) }
        }
        for item in messages {
            let role = item["role"]?.string ?? "user"
            let content = item["content"]
            guard let content, content.isArray else {
                translated.append(message(role, textParts(content ?? .string(""), breakpoints: breakpoints)))
                continue
            }
            let blocks = content.elements
            if role == "assistant" {
                let parts = JSONNode.array(), calls = JSONNode.array()
                for block in blocks {
                    if block["type"]?.string == "tool_use" { calls.append(MessagesToCompletions.toolCall(block)) } else if let part = part(block, breakpoints: breakpoints) { parts.append(part) }
                }
                let assistant = JSONNode.object()
                assistant.set("role", "assistant")
                if parts.count > 0 { assistant.set("content", parts) }
                if calls.count > 0 { assistant.set("tool_calls", calls) }
                translated.append(assistant)
                continue
            }
            let parts = JSONNode.array()
            for block in blocks {
                if block["type"]?.string == "tool_result" { translated.append(toolMessage(block, breakpoints: breakpoints)) } else if let part = part(block, breakpoints: breakpoints) { parts.append(part) }
            }
            if parts.count > 0 { translated.append(message(role, parts)) }
        }
        output.set("messages", translated)
        output.set("model", model)
        if let maxTokens = input["max_tokens"] { output.set("max_completion_tokens", maxTokens) }
        let stream = input["stream"]?.bool ?? false
        output.set("stream", .bool(stream))
        if stream {
            let options = JSONNode.object()
            options.set("include_usage", .bool(true))
            output.set("stream_options", options)
        }
        for field in ["temperature", "top_p"] { if let value = input[field] { output.set(field, value) } }
        if let stop = input["stop_sequences"], stop.count > 0 { output.set("stop", stop) }
        if let user = input["metadata"]?["user_id"]?.string { output.set("user", user) }
        let tools = input["tools"]?.elements ?? []
        if !tools.isEmpty {
            let list = JSONNode.array()
            for tool in tools { list.append(function(tool)) }
            output.set("tools", list)
        }
        if let choice = input["tool_choice"] { applyToolChoice(choice, to: output) }
        // An effort only with thinking on, as agentgateway: adaptive thinking without one, on a
        // turn that offers tools, turns reasoning off.
        if let thinking = input["thinking"]?["type"]?.string, thinking != "disabled" {
            if let effort = input["output_config"]?["effort"]?.string {
                output.set("reasoning_effort", effort)
            } else if thinking == "adaptive", !tools.isEmpty {
                output.set("reasoning_effort", "none")
            }
        }
        if let format = input["output_config"]?["format"], format["type"]?.string == "json_schema", let schema = format["schema"] {
            let responseFormat = JSONNode.object(), jsonSchema = JSONNode.object()
            jsonSchema.set("name", "structured_output")
            jsonSchema.set("schema", schema)
            responseFormat.set("type", "json_schema")
            responseFormat.set("json_schema", jsonSchema)
            output.set("response_format", responseFormat)
        }
        return output
    }

    static func message(_ role: String, _ content: JSONNode) -> JSONNode { CompletionsToMessages.makeMessage(role, content) }

    static func textPart(_ text: String, breakpoint: Bool) -> JSONNode {
        let part = CompletionsToMessages.textBlock(text)
        if breakpoint {
            let mode = JSONNode.object()
            mode.set("mode", "explicit")
            part.set("prompt_cache_breakpoint", mode)
        }
        return part
    }

    /// A string or a list of blocks, as text parts (other blocks dropped).
    static func textParts(_ content: JSONNode, breakpoints: Bool) -> JSONNode {
        let parts = JSONNode.array()
        if let text = content.string { parts.append(textPart(text, breakpoint: false)); return parts }
        for block in content.elements where block["type"]?.string == "text" {
            parts.append(textPart(block["text"]?.string ?? "", breakpoint: breakpoints && block["cache_control"] != nil))
        }
        return parts
    }

    /// A user or assistant content block as a Chat Completions part; nil for blocks without one (thinking, documents).
    static func part(_ block: JSONNode, breakpoints: Bool) -> JSONNode? {
        switch block["type"]?.string {
        case "text": return textPart(block["text"]?.string ?? "", breakpoint: breakpoints && block["cache_control"] != nil)
        case "image":
            guard let source = block["source"] else { return nil }
            let url: String
            switch source["type"]?.string {
            case "base64": url = "data:\(source["media_type"]?.string ?? "image/png");base64,\(source["data"]?.string ?? "")"
            case "url": url = source["url"]?.string ?? ""
            default: return nil
            }
            let image = JSONNode.object(), part = JSONNode.object()
            image.set("url", url)
            part.set("type", "image_url")
            part.set("image_url", image)
            return part
        default: return nil
        }
    }

    /// A `tool_result` block as a `tool` message: its text parts; a breakpoint on the block, or on
    /// an image the translation drops, lands on the last text part (an empty one when none is left).
    static func toolMessage(_ block: JSONNode, breakpoints: Bool) -> JSONNode {
        let parts = JSONNode.array()
        var pending = breakpoints && block["cache_control"] != nil
        var texts: [(text: String, breakpoint: Bool)] = []
        if let text = block["content"]?.string {
            texts.append((text, false))
        } else {
            for item in block["content"]?.elements ?? [] {
                let marked = breakpoints && item["cache_control"] != nil
                if item["type"]?.string == "text" { texts.append((item["text"]?.string ?? "", marked)) } else if marked { pending = true }
            }
        }
        if pending {
            if texts.isEmpty { texts.append(("", true)) } else { texts[texts.count - 1].breakpoint = true }
        }
        for entry in texts { parts.append(textPart(entry.text, breakpoint: entry.breakpoint)) }
        let message = JSONNode.object()
        message.set("role", "tool")
        message.set("content", parts)
        message.set("tool_call_id", block["tool_use_id"] ?? .string(""))
        return message
    }

    static func function(_ tool: JSONNode) -> JSONNode {
        let wrapper = JSONNode.object(), function = JSONNode.object()
        function.set("name", tool["name"] ?? .string(""))
        if let description = tool["description"] { function.set("description", description) }
        if let schema = tool["input_schema"] { function.set("parameters", schema) }
        wrapper.set("type", "function")
        wrapper.set("function", function)
        return wrapper
    }

    /// `auto`, `any` (OpenAI's `required`), `tool` (that function), `none`; `disable_parallel_tool_use` → `parallel_tool_calls: false`.
    static func applyToolChoice(_ choice: JSONNode, to output: JSONNode) {
        switch choice["type"]?.string {
        case "auto": output.set("tool_choice", "auto")
        case "any": output.set("tool_choice", "required")
        case "none": output.set("tool_choice", "none")
        case "tool":
            let named = JSONNode.object(), function = JSONNode.object()
            function.set("name", choice["name"] ?? .string(""))
            named.set("type", "function")
            named.set("function", function)
            output.set("tool_choice", named)
        default: break
        }
        if choice["disable_parallel_tool_use"]?.bool == true { output.set("parallel_tool_calls", .bool(false)) }
    }
}
