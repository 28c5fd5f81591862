import Foundation

/// Anthropic Messages server-sent events → OpenAI Chat Completions chunks, event by event as
/// they arrive (agentgateway's mapping, NOTES §4.4): the role rides on the first chunk, text and
/// thinking deltas become `content` and `reasoning_content`, tool blocks become indexed
/// `tool_calls` (a tool that streamed no arguments gets `"{}"`), `message_delta` gives the finish
/// chunk with the usage, and a complete stream ends with `data: [DONE]`.
///
/// One instance per response; not shared between tasks.
public final class MessagesStreamTranslator {
    private var events = ServerSentEvents()
    private let created: Int
    private var id = JSONNode.string("")
    private var model = JSONNode.string("")
    private var serviceTier = JSONNode.null()
    private var usage = JSONNode.object()
    private var roleSent = false
    /// Anthropic content-block index → (tool_calls index, whether arguments streamed).
    private var tools: [Int: (index: Int, streamedArguments: Bool)] = [:]
    private var toolCount = 0

    /// True once `message_stop` arrived: the answer is whole.
    public private(set) var completed = false
    /// Why the stream cannot be completed (a provider `error` event, a body that is not SSE JSON).
    public private(set) var failure: String?
    public var inputTokens: Int? { usage["input_tokens"]?.int }
    public var outputTokens: Int? { usage["output_tokens"]?.int }
    public var cachedTokens: Int? { usage["cache_read_input_tokens"]?.int }

    /// False: only follow the stream (usage, completion), for a stream relayed unchanged.
    private let producesChunks: Bool

    public init(created: Int = Int(Date().timeIntervalSince1970), producesChunks: Bool = true) {
        self.created = created
        self.producesChunks = producesChunks
    }

    /// Translates what the bytes complete; the result is ready to send (possibly empty).
    public func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard failure == nil else { return [] }
        var output: [UInt8] = []
        do {
            for data in try events.feed(bytes) {
                guard let event = try? JSONNode.parse(data) else {
                    failure = "the provider's stream carried an event that is not JSON"
                    break
                }
                handle(event, into: &output)
                if failure != nil { break }
            }
        } catch {
            failure = "\(error)"
        }
        return output
    }

    public func feed(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { feed($0) } }

    /// The end of the stream: `[DONE]` after a complete answer, otherwise an OpenAI-shaped
    /// error event (which the OpenAI SDKs raise), so a cut stream is never taken for a whole one.
    public func finish(cause: String? = nil) -> [UInt8] {
        if completed, failure == nil, cause == nil { return Array("data: [DONE]\n\n".utf8) }
        return Self.errorEvent(failure ?? cause ?? "the provider's stream ended before the answer was complete")
    }

    /// `data: {"error": …}` in OpenAI's error shape.
    public static func errorEvent(_ message: String, type: String = "api_error") -> [UInt8] {
        let error = JSONNode.object()
        error.set("message", message)
        error.set("type", type)
        let body = JSONNode.object()
        body.set("error", error)
        return Array("data: ".utf8) + body.serialized() + Array("\n\n".utf8)
    }

    private func handle(_ event: JSONNode, into output: inout [UInt8]) {
        switch event["type"]?.string {
        case "message_start":
            let message = event["message"]
            if let value = message?["id"] { id = value }
            if let value = message?["model"] { model = value }
            if let start = message?["usage"] {
                usage = start
                if let tier = start["service_tier"] { serviceTier = tier }
            }
        case "content_block_start":
            guard let block = event["content_block"], let index = event["index"]?.int,
                  block["type"]?.string == "tool_use" || block["type"]?.string == "server_tool_use" else { return }
            let call = JSONNode.object()
            call.set("index", toolCount)
            call.set("id", block["id"] ?? .null())
            call.set("type", "function")
            let function = JSONNode.object()
            function.set("name", block["name"] ?? .string(""))
            call.set("function", function)
            tools[index] = (toolCount, false)
            toolCount += 1
            emit(delta(toolCall: call), into: &output)
        case "content_block_delta":
            guard let delta = event["delta"] else { return }
            switch delta["type"]?.string {
            case "text_delta":
                emit(self.delta(content: delta["text"] ?? .string("")), into: &output)
            case "thinking_delta":
                emit(self.delta(reasoning: delta["thinking"] ?? .string("")), into: &output)
            case "input_json_delta":
                guard let index = event["index"]?.int, let tool = tools[index],
                      let partial = delta["partial_json"]?.string, !partial.isEmpty else { return }
                tools[index]?.streamedArguments = true
                emit(self.delta(toolCall: argumentsCall(index: tool.index, arguments: partial)), into: &output)
            default:
                return  // signature_delta, citations_delta: dropped
            }
        case "content_block_stop":
            guard let index = event["index"]?.int, let tool = tools[index], !tool.streamedArguments else { return }
            emit(delta(toolCall: argumentsCall(index: tool.index, arguments: "{}")), into: &output)
        case "message_delta":
            if let update = event["usage"] {
                let merged = JSONNode.object()
                for key in usage.keys { if let value = usage[key] { merged.set(key, value) } }
                for key in update.keys { if let value = update[key] { merged.set(key, value) } }
                usage = merged
            }
            let reason = MessagesToCompletions.finishReason(event["delta"]?["stop_reason"]?.string)
            emit(delta(), finish: reason.map { JSONNode.string($0) } ?? .null(), usage: MessagesToCompletions.usage(usage), into: &output)
        case "message_stop":
            completed = true
        case "error":
            failure = event["error"]?["message"]?.string ?? "the provider reported an error in its stream"
        default:
            return  // ping and events added later
        }
    }

    private func argumentsCall(index: Int, arguments: String) -> JSONNode {
        let call = JSONNode.object()
        call.set("index", index)
        call.set("id", .null())
        call.set("type", .null())
        let function = JSONNode.object()
        function.set("arguments", arguments)
        call.set("function", function)
        return call
    }

    /// A delta in agentgateway's member order: content (null when absent), tool_calls, role, reasoning.
    private func delta(content: JSONNode = .null(), toolCall: JSONNode? = nil, reasoning: JSONNode? = nil) -> JSONNode {
        let delta = JSONNode.object()
        delta.set("content", content)
        if let toolCall {
            let calls = JSONNode.array()
            calls.append(toolCall)
            delta.set("tool_calls", calls)
        }
        if !roleSent {
            delta.set("role", "assistant")
            roleSent = true
        }
        if let reasoning { delta.set("reasoning_content", reasoning) }
        return delta
    }

    private func emit(_ delta: @autoclosure () -> JSONNode, finish: JSONNode? = nil, usage: @autoclosure () -> JSONNode? = nil, into output: inout [UInt8]) {
        guard producesChunks else { return }
        let choice = JSONNode.object()
        choice.set("index", 0)
        choice.set("delta", delta())
        if let finish { choice.set("finish_reason", finish) }
        let choices = JSONNode.array()
        choices.append(choice)
        let chunk = JSONNode.object()
        chunk.set("id", id)
        chunk.set("choices", choices)
        chunk.set("created", created)
        chunk.set("model", model)
        chunk.set("service_tier", serviceTier)
        chunk.set("system_fingerprint", .null())
        chunk.set("object", "chat.completion.chunk")
        chunk.set("usage", usage() ?? .null())
        output += Array("data: ".utf8)
        output += chunk.serialized()
        output += Array("\n\n".utf8)
    }
}
