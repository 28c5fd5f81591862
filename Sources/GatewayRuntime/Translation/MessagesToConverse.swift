import Foundation
import GatewayIR

/// Anthropic Messages request → Bedrock Converse request (`POST /model/{modelId}/converse`).
/// gwrun reaches Bedrock from every client format through Messages: a Chat Completions or
/// Responses request is first translated to Messages (`CompletionsToMessages`,
/// `ResponsesToCompletionsRequest`), so this is the one mapping to Converse. The model goes in
/// the URL, not the body. Field by field, after Bedrock's API reference (Converse, Message,
/// ContentBlock, ToolConfiguration) and checked against botocore's service model by the
/// stand-in (`testing/standin-bedrock.py`):
/// - `system` (a string or text blocks) → `system: [{text}]`;
/// - text → `{text}`; a base64 image → `{image: {format, source: {bytes}}}` (a URL image is
///   refused: Converse takes image bytes or S3 locations only);
/// - tool_use → `{toolUse: {toolUseId, name, input}}`; tool_result → `{toolResult: {toolUseId,
///   content: [{text}|{json}], status}}`; thinking → `{reasoningContent: {reasoningText}}`;
/// - a block's `cache_control` → a `{cachePoint: {type: default}}` after it;
/// - consecutive messages of one role are merged (Converse wants them alternating);
/// - the backend's `ai.promptCaching` adds cache points (`addCachePoints`);
/// - `max_tokens`, `temperature`, `top_p`, `stop_sequences` → `inferenceConfig`; `top_k` and
///   `thinking` → `additionalModelRequestFields` (what Anthropic's models on Bedrock read);
/// - tools → `toolConfig.tools[].toolSpec` with `inputSchema.json`; tool_choice auto, any and
///   tool → `toolChoice`; `none` leaves the choice out (Converse has no such choice).
public enum MessagesToConverse {
    /// `caching`: the backend's `ai.promptCaching`, whose cache points are added (`addCachePoints`).
    public static func request(_ input: JSONNode, caching: PromptCaching? = nil) throws -> JSONNode {
        guard input.isObject else { throw TranslationError("the body is not a JSON object") }
        let output = JSONNode.object()
        let messages = JSONNode.array()
        var lastRole: String?
        var lastContent: JSONNode?
        for message in input["messages"]?.elements ?? [] {
            guard let role = message["role"]?.string, role == "user" || role == "assistant" else { continue }
            let content = try blocks(message["content"])
            guard content.count > 0 else { continue }
            if role == lastRole, let lastContent {
                for block in content.elements { lastContent.append(block) }
                continue
            }
            let converted = JSONNode.object()
            converted.set("role", role)
            converted.set("content", content)
            messages.append(converted)
            lastRole = role
            lastContent = content
        }
        output.set("messages", messages)
        if let system = input["system"] {
            let parts = JSONNode.array()
            if let text = system.string {
                if !CompletionsToMessages.isBlank(text) { parts.append(textBlock(text)) }
            } else {
                for block in system.elements where block["type"]?.string == "text" {
                    if let text = block["text"]?.string, !CompletionsToMessages.isBlank(text) { parts.append(textBlock(text)) }
                    if block["cache_control"] != nil { parts.append(cachePoint()) }
                }
            }
            if parts.count > 0 { output.set("system", parts) }
        }
        let inference = JSONNode.object()
        if let value = input["max_tokens"]?.int { inference.set("maxTokens", value) }
        if let value = input["temperature"], value.isNumber { inference.set("temperature", value) }
        if let value = input["top_p"], value.isNumber { inference.set("topP", value) }
        if let stops = input["stop_sequences"], stops.count > 0 { inference.set("stopSequences", stops) }
        if inference.count > 0 { output.set("inferenceConfig", inference) }
        let additional = JSONNode.object()
        if let value = input["top_k"], value.isNumber { additional.set("top_k", value) }
        if let thinking = input["thinking"], thinking.isObject { additional.set("thinking", thinking) }
        if additional.count > 0 { output.set("additionalModelRequestFields", additional) }
        if let toolConfig = toolConfig(input["tools"], choice: input["tool_choice"]) { output.set("toolConfig", toolConfig) }
        if let caching { addCachePoints(output, caching) }
        return output
    }

    /// `ai.promptCaching`, as agentgateway describes it: when the prompt's estimated size (words ×
    /// 1.3) reaches `minTokens`, a cache point after the system prompt, after the tools, and at
    /// the end of the second-to-last message (`messageOffset` more towards the start, clamped);
    /// none where the client's own `cache_control` put one already.
    static func addCachePoints(_ request: JSONNode, _ caching: PromptCaching) {
        var words = 0
        func count(_ node: JSONNode) {
            if let text = node["text"]?.string { words += text.split(whereSeparator: \.isWhitespace).count }
            for child in node.elements { count(child) }
            for key in ["content", "message", "system"] { if let value = node[key] { count(value) } }
        }
        count(request["system"] ?? .array())
        for message in request["messages"]?.elements ?? [] { count(message) }
        guard Double(words) * 1.3 >= Double(caching.minTokens) else { return }
        func endsWithCachePoint(_ list: JSONNode?) -> Bool { list?.elements.last?["cachePoint"] != nil }
        if caching.cacheSystem, let system = request["system"], system.count > 0, !endsWithCachePoint(system) { system.append(cachePoint()) }
        if caching.cacheTools, let tools = request["toolConfig"]?["tools"], tools.count > 0, !endsWithCachePoint(tools) { tools.append(cachePoint()) }
        let messages = request["messages"]?.elements ?? []
        if caching.cacheMessages, messages.count >= 2, let content = messages[max(0, messages.count - 2 - caching.messageOffset)]["content"], !endsWithCachePoint(content) {
            content.append(cachePoint())
        }
    }

    /// A message's content: a string, or Anthropic's blocks.
    static func blocks(_ content: JSONNode?) throws -> JSONNode {
        let output = JSONNode.array()
        guard let content else { return output }
        if let text = content.string {
            if !CompletionsToMessages.isBlank(text) { output.append(textBlock(text)) }
            return output
        }
        for block in content.elements {
            switch block["type"]?.string {
            case "text":
                guard let text = block["text"]?.string, !CompletionsToMessages.isBlank(text) else { continue }
                output.append(textBlock(text))
            case "image":
                output.append(try image(block["source"]))
            case "tool_use", "server_tool_use":
                let use = JSONNode.object()
                use.set("toolUseId", block["id"] ?? .string(""))
                use.set("name", block["name"] ?? .string(""))
                use.set("input", block["input"].flatMap { $0.isObject ? $0 : nil } ?? .object())
                output.append(wrapped("toolUse", use))
            case "tool_result":
                output.append(toolResult(block))
            case "thinking":
                let reasoning = JSONNode.object()
                reasoning.set("text", block["thinking"] ?? .string(""))
                if let signature = block["signature"] { reasoning.set("signature", signature) }
                output.append(wrapped("reasoningContent", wrapped("reasoningText", reasoning)))
            default:
                continue  // documents, redacted thinking, server tools' results: not carried
            }
            if block["cache_control"] != nil { output.append(cachePoint()) }
        }
        return output
    }

    static func toolResult(_ block: JSONNode) -> JSONNode {
        let result = JSONNode.object()
        result.set("toolUseId", block["tool_use_id"] ?? .string(""))
        let content = JSONNode.array()
        if let text = block["content"]?.string {
            content.append(textBlock(text))
        } else {
            for part in block["content"]?.elements ?? [] where part["type"]?.string == "text" {
                content.append(textBlock(part["text"]?.string ?? ""))
            }
        }
        // Converse refuses an empty result; Anthropic allows one.
        if content.count == 0 { content.append(textBlock("")) }
        result.set("content", content)
        if block["is_error"]?.bool == true { result.set("status", "error") }
        return wrapped("toolResult", result)
    }

    /// `{source: {type: base64, media_type: image/png, data}}` → `{format: png, source: {bytes}}`.
    static func image(_ source: JSONNode?) throws -> JSONNode {
        guard source?["type"]?.string == "base64", let data = source?["data"], let mediaType = source?["media_type"]?.string,
            let format = ["image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"][mediaType]
        else {
            throw TranslationError("Bedrock's Converse takes images as base64 PNG, JPEG, GIF or WebP data; this image is a URL or another type")
        }
        let image = JSONNode.object()
        image.set("format", format)
        image.set("source", wrapped("bytes", data))
        return wrapped("image", image)
    }

    static func toolConfig(_ tools: JSONNode?, choice: JSONNode?) -> JSONNode? {
        let specs = JSONNode.array()
        for tool in tools?.elements ?? [] {
            guard let name = tool["name"] else { continue }
            let spec = JSONNode.object()
            spec.set("name", name)
            if let description = tool["description"] { spec.set("description", description) }
            spec.set("inputSchema", wrapped("json", tool["input_schema"] ?? .object()))
            specs.append(wrapped("toolSpec", spec))
        }
        guard specs.count > 0 else { return nil }
        let config = JSONNode.object()
        config.set("tools", specs)
        switch choice?["type"]?.string {
        case "auto": config.set("toolChoice", wrapped("auto", .object()))
        case "any": config.set("toolChoice", wrapped("any", .object()))
        case "tool":
            let tool = JSONNode.object()
            tool.set("name", choice?["name"] ?? .string(""))
            config.set("toolChoice", wrapped("tool", tool))
        default: break
        }
        return config
    }

    static func textBlock(_ text: String) -> JSONNode {
        let block = JSONNode.object()
        block.set("text", text)
        return block
    }

    static func cachePoint() -> JSONNode {
        let point = JSONNode.object()
        point.set("type", "default")
        return wrapped("cachePoint", point)
    }

    /// `{key: value}`: Converse's union members.
    static func wrapped(_ key: String, _ value: JSONNode) -> JSONNode {
        let object = JSONNode.object()
        object.set(key, value)
        return object
    }
}
