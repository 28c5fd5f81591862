import Foundation

/// OpenAI Chat Completions request → Anthropic Messages request, following agentgateway's
/// mapping (shared/reference NOTES §4.2): system and developer messages become `system`, tool
/// calls and results become tool_use and tool_result blocks, images become image blocks,
/// `reasoning_effort` becomes a thinking budget. Values move by reference, not by copy.
public enum CompletionsToMessages {
    /// `modelOverride` is the backend's pinned model, which wins over the client's.
    public static func request(_ input: JSONNode, modelOverride: String? = nil) throws -> JSONNode {
        guard input.isObject else { throw TranslationError("the body is not a JSON object") }
        let output = JSONNode.object()
        var systemParts: [String] = []
        let messages = JSONNode.array()
        for message in input["messages"]?.elements ?? [] {
            switch message["role"]?.string {
            case "system", "developer":
                systemParts += textParts(message["content"])
            case "user", "function":
                let blocks = contentBlocks(message["content"])
                if blocks.count > 0 { messages.append(makeMessage("user", blocks)) }
            case "assistant":
                let blocks = contentBlocks(message["content"])
                if let refusal = message["refusal"]?.string, !refusal.trimmingCharacters(in: .whitespaces).isEmpty { blocks.append(textBlock(refusal)) }
                for call in message["tool_calls"]?.elements ?? [] { blocks.append(toolUse(call)) }
                if blocks.count > 0 { messages.append(makeMessage("assistant", blocks)) }
            case "tool":
                let result = JSONNode.object()
                result.set("type", "tool_result")
                result.set("tool_use_id", message["tool_call_id"]?.string ?? "")
                if let content = message["content"] {
                    if content.isString { result.set("content", content) } else { result.set("content", textBlocks(content)) }
                }
                let blocks = JSONNode.array()
                blocks.append(result)
                messages.append(makeMessage("user", blocks))
            default:
                continue
            }
        }
        output.set("messages", messages)
        let system = systemParts.joined(separator: "\n")
        if !system.isEmpty { output.set("system", system) }

        if let model = modelOverride ?? input["model"]?.string, !model.isEmpty {
            output.set("model", model)
        } else {
            throw TranslationError("missing field: model not specified")
        }
        let maxTokens = input["max_completion_tokens"]?.int ?? input["max_tokens"]?.int ?? 4096
        output.set("max_tokens", maxTokens)

        var stops: [JSONNode] = []
        if let stop = input["stop"] {
            if stop.isString { stops = [stop] } else { stops = stop.elements.filter(\.isString) }
        }
        if !stops.isEmpty {
            let sequences = JSONNode.array()
            for stop in stops { sequences.append(stop) }
            output.set("stop_sequences", sequences)
        }
        for key in ["temperature", "top_p"] { if let value = input[key], value.isNumber { output.set(key, value) } }
        if input["stream"]?.bool == true { output.set("stream", .bool(true)) }

        let tools = JSONNode.array()
        for tool in input["tools"]?.elements ?? [] where tool["type"]?.string == "function" {
            guard let function = tool["function"] else { continue }
            let converted = JSONNode.object()
            converted.set("name", function["name"] ?? .string(""))
            if let description = function["description"] { converted.set("description", description) }
            converted.set("input_schema", function["parameters"] ?? .null())
            tools.append(converted)
        }
        if tools.count > 0 { output.set("tools", tools) }
        if let choice = toolChoice(input["tool_choice"], parallel: input["parallel_tool_calls"]?.bool, hasTools: tools.count > 0) {
            output.set("tool_choice", choice)
        }
        if let user = input["user"]?.string {
            let metadata = JSONNode.object()
            metadata.set("user_id", user)
            output.set("metadata", metadata)
        }
        if let thinking = thinking(effort: input["reasoning_effort"]?.string, maxTokens: maxTokens) { output.set("thinking", thinking) }
        if let format = outputFormat(input["response_format"]) {
            let config = JSONNode.object()
            config.set("format", format)
            output.set("output_config", config)
        }
        return output
    }

    static func makeMessage(_ role: String, _ content: JSONNode) -> JSONNode {
        let message = JSONNode.object()
        message.set("role", role)
        message.set("content", content)
        return message
    }

    static func textBlock(_ text: String) -> JSONNode {
        let block = JSONNode.object()
        block.set("type", "text")
        block.set("text", text)
        return block
    }

    /// Text of a string content or of its text parts; blank parts are dropped.
    static func textParts(_ content: JSONNode?) -> [String] {
        guard let content else { return [] }
        if let text = content.string { return isBlank(text) ? [] : [text] }
        return content.elements.compactMap { part in
            guard part["type"]?.string == "text", let text = part["text"]?.string, !isBlank(text) else { return nil }
            return text
        }
    }

    /// Only white space (Unicode's White_Space property): stops at the first other character, where
    /// Foundation's trimming copied the whole text (4% of a translated request's CPU).
    static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(\.properties.isWhitespace) }

    static func textBlocks(_ content: JSONNode) -> JSONNode {
        let blocks = JSONNode.array()
        for text in textParts(content) { blocks.append(textBlock(text)) }
        return blocks
    }

    /// User or assistant content: text blocks and images; audio and files are dropped.
    static func contentBlocks(_ content: JSONNode?) -> JSONNode {
        guard let content else { return JSONNode.array() }
        if content.isString { return textBlocks(content) }
        let blocks = JSONNode.array()
        for part in content.elements {
            switch part["type"]?.string {
            case "text":
                if let text = part["text"]?.string, !isBlank(text) { blocks.append(textBlock(text)) }
            case "image_url":
                guard let url = part["image_url"]?["url"]?.string else { continue }
                blocks.append(image(url))
            default:
                continue
            }
        }
        return blocks
    }

    /// `data:<media type>;base64,<data>` becomes a base64 source; any other URL a url source.
    static func image(_ url: String) -> JSONNode {
        let block = JSONNode.object()
        block.set("type", "image")
        let source = JSONNode.object()
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") {
            source.set("type", "base64")
            source.set("media_type", String(url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(7)))
            source.set("data", String(url[url.index(after: comma)...]))
        } else {
            source.set("type", "url")
            source.set("url", url)
        }
        block.set("source", source)
        return block
    }

    /// `arguments` "" becomes {}, valid JSON is used as is, anything else is kept as a string.
    static func toolUse(_ call: JSONNode) -> JSONNode {
        let block = JSONNode.object()
        block.set("type", "tool_use")
        block.set("id", call["id"] ?? .string(""))
        let function = call["function"] ?? call["custom"]
        block.set("name", function?["name"] ?? .string(""))
        let arguments = function?["arguments"]?.string ?? function?["input"]?.string ?? ""
        if arguments.isEmpty {
            block.set("input", .object())
        } else if let parsed = try? JSONNode.parse(arguments) {
            block.set("input", parsed)
        } else {
            block.set("input", arguments)
        }
        return block
    }

    static func toolChoice(_ choice: JSONNode?, parallel: Bool?, hasTools: Bool) -> JSONNode? {
        let output = JSONNode.object()
        if let name = choice?.string {
            switch name {
            case "auto": output.set("type", "auto")
            case "required": output.set("type", "any")
            case "none": output.set("type", "none")
            default: return nil
            }
        } else if let choice, choice.isObject, let name = choice["function"]?["name"]?.string {
            output.set("type", "tool")
            output.set("name", name)
        } else if hasTools, parallel != nil {
            output.set("type", "auto")
        } else {
            return nil
        }
        if let parallel, output["type"]?.string != "none" { output.set("disable_parallel_tool_use", .bool(!parallel)) }
        return output
    }

    /// agentgateway's budgets, capped below max_tokens; dropped when below 1024.
    static func thinking(effort: String?, maxTokens: Int) -> JSONNode? {
        let budgets = ["minimal": 1024, "low": 1024, "medium": 2048, "high": 4096, "xhigh": 8192, "max": 16384]
        guard let effort, let budget = budgets[effort], maxTokens > 1024 else { return nil }
        let capped = min(budget, maxTokens - 1)
        guard capped >= 1024 else { return nil }
        let thinking = JSONNode.object()
        thinking.set("type", "enabled")
        thinking.set("budget_tokens", capped)
        return thinking
    }

    static func outputFormat(_ format: JSONNode?) -> JSONNode? {
        guard let type = format?["type"]?.string else { return nil }
        let output = JSONNode.object()
        output.set("type", "json_schema")
        switch type {
        case "json_schema":
            output.set("schema", format?["json_schema"]?["schema"] ?? .object())
        case "json_object":
            let schema = JSONNode.object()
            schema.set("type", "object")
            schema.set("additionalProperties", .bool(true))
            output.set("schema", schema)
        default:
            return nil
        }
        return output
    }
}
