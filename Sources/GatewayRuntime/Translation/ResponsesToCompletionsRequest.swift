/// OpenAI Responses request (`POST /v1/responses`: Codex-style agents, Hermes' `codex_responses`
/// mode) → Chat Completions request, for providers without a Responses API (Anthropic, through
/// `CompletionsToMessages` after this). Stateless: gwrun keeps no responses, so
/// `previous_response_id` and item references are refused; the client sends its whole input, as
/// `store: false` clients do. Reasoning items the client sends back are dropped (their encrypted
/// content belongs to the provider that made them). Built-in tools (web search, file search,
/// computer use, ...) have no Chat Completions form and are refused, never silently dropped.
public enum ResponsesToCompletionsRequest {
    public static func request(_ input: JSONNode, modelOverride: String? = nil) throws -> JSONNode {
        guard input.isObject else { throw TranslationError("the body is not a JSON object") }
        if let previous = input["previous_response_id"], !previous.isNull {
            throw TranslationError("previous_response_id is not supported: gwrun stores no responses for this provider; send the whole conversation in input (store: false)")
        }
        let output = JSONNode.object()
        guard let model = modelOverride ?? input["model"]?.string, !model.isEmpty else { throw TranslationError("missing field: model not specified") }
        output.set("model", model)
        output.set("messages", try messages(input))
        if let limit = input["max_output_tokens"]?.int { output.set("max_completion_tokens", limit) }
        for key in ["temperature", "top_p"] { if let value = input[key], value.isNumber { output.set(key, value) } }
        if let parallel = input["parallel_tool_calls"]?.bool { output.set("parallel_tool_calls", .bool(parallel)) }
        if let user = input["user"]?.string ?? input["safety_identifier"]?.string { output.set("user", user) }
        if let effort = input["reasoning"]?["effort"]?.string { output.set("reasoning_effort", effort) }
        if input["stream"]?.bool == true {
            output.set("stream", .bool(true))
            let options = JSONNode.object()
            options.set("include_usage", .bool(true))
            output.set("stream_options", options)
        }
        let tools = JSONNode.array()
        for tool in input["tools"]?.elements ?? [] {
            guard tool["type"]?.string == "function" else {
                throw TranslationError("tool type \(tool["type"]?.string ?? "(none)") has no Chat Completions form; only function tools can reach this provider")
            }
            let function = JSONNode.object()
            function.set("name", tool["name"] ?? .string(""))
            for key in ["description", "parameters", "strict"] { if let value = tool[key], !value.isNull { function.set(key, value) } }
            let converted = JSONNode.object()
            converted.set("type", "function")
            converted.set("function", function)
            tools.append(converted)
        }
        if tools.count > 0 { output.set("tools", tools) }
        if let choice = input["tool_choice"] {
            if choice.isString {
                output.set("tool_choice", choice)
            } else if choice["type"]?.string == "function", let name = choice["name"]?.string {
                let function = JSONNode.object(), converted = JSONNode.object()
                function.set("name", name)
                converted.set("type", "function")
                converted.set("function", function)
                output.set("tool_choice", converted)
            }
        }
        if let format = input["text"]?["format"], let converted = responseFormat(format) { output.set("response_format", converted) }
        return output
    }

    /// `instructions` first as the system message, then the input items in order; consecutive
    /// function calls join the assistant message before them (one assistant turn, as Chat
    /// Completions and Anthropic expect).
    static func messages(_ input: JSONNode) throws -> JSONNode {
        let messages = JSONNode.array()
        if let instructions = input["instructions"]?.string, !instructions.isEmpty {
            messages.append(CompletionsToMessages.makeMessage("system", .string(instructions)))
        }
        guard let items = input["input"] else { return messages }
        if items.isString {
            messages.append(CompletionsToMessages.makeMessage("user", items))
            return messages
        }
        var assistant: JSONNode?
        for item in items.elements {
            let type = item["type"]?.string ?? (item["role"] != nil ? "message" : "")
            switch type {
            case "message":
                let role = item["role"]?.string ?? "user"
                let message = CompletionsToMessages.makeMessage(role, try content(item["content"]))
                messages.append(message)
                assistant = role == "assistant" ? message : nil
            case "function_call":
                let call = JSONNode.object(), function = JSONNode.object()
                call.set("id", item["call_id"] ?? .string(""))
                call.set("type", "function")
                function.set("name", item["name"] ?? .string(""))
                function.set("arguments", item["arguments"] ?? .string("{}"))
                call.set("function", function)
                let turn: JSONNode
                if let assistant { turn = assistant } else {
                    turn = CompletionsToMessages.makeMessage("assistant", .null())
                    messages.append(turn)
                    assistant = turn
                }
                if turn["tool_calls"] == nil { turn.set("tool_calls", .array()) }
                turn["tool_calls"]?.append(call)
            case "function_call_output":
                let message = JSONNode.object()
                message.set("role", "tool")
                message.set("tool_call_id", item["call_id"] ?? .string(""))
                let result = item["output"] ?? .string("")
                message.set("content", result.isString ? result : try content(result))
                messages.append(message)
                assistant = nil
            case "reasoning":
                continue
            default:
                throw TranslationError("input item type \(type.isEmpty ? "(none)" : type) cannot be translated for this provider")
            }
        }
        return messages
    }

    /// Input and output parts as Chat Completions parts: text, and images by URL or data URL.
    static func content(_ content: JSONNode?) throws -> JSONNode {
        guard let content else { return .string("") }
        if content.isString { return content }
        let parts = JSONNode.array()
        for part in content.elements {
            switch part["type"]?.string {
            case "input_text", "output_text", "text":
                let text = JSONNode.object()
                text.set("type", "text")
                text.set("text", part["text"] ?? .string(""))
                parts.append(text)
            case "refusal":
                let text = JSONNode.object()
                text.set("type", "text")
                text.set("text", part["refusal"] ?? .string(""))
                parts.append(text)
            case "input_image":
                guard let url = part["image_url"]?.string else { throw TranslationError("an input_image without image_url (file_id images need OpenAI's file store) cannot be translated") }
                let image = JSONNode.object(), reference = JSONNode.object()
                reference.set("url", url)
                if let detail = part["detail"]?.string { reference.set("detail", detail) }
                image.set("type", "image_url")
                image.set("image_url", reference)
                parts.append(image)
            default:
                throw TranslationError("content part type \(part["type"]?.string ?? "(none)") cannot be translated for this provider")
            }
        }
        return parts
    }

    /// `text.format` as `response_format`: a JSON schema keeps its name, schema and strictness.
    static func responseFormat(_ format: JSONNode) -> JSONNode? {
        switch format["type"]?.string {
        case "json_schema":
            let schema = JSONNode.object(), converted = JSONNode.object()
            schema.set("name", format["name"] ?? .string("response"))
            for key in ["schema", "strict", "description"] { if let value = format[key], !value.isNull { schema.set(key, value) } }
            converted.set("type", "json_schema")
            converted.set("json_schema", schema)
            return converted
        case "json_object":
            let converted = JSONNode.object()
            converted.set("type", "json_object")
            return converted
        default:
            return nil
        }
    }
}
