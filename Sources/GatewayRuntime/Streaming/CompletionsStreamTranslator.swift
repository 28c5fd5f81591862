/// An OpenAI Chat Completions event stream (`chat.completion.chunk`s, then `[DONE]`) as the
/// Anthropic Messages events a Messages client reads, as each chunk arrives (checked against
/// agentgateway's `stream.completions-messages-streaming.snap`): `message_start` from the first
/// chunk, a text block for `delta.content`, a `tool_use` block per tool call with its arguments
/// as `input_json_delta`s, then at `[DONE]` the open block's `content_block_stop`, `message_delta`
/// with the stop reason and the usage of the usage chunk (which gwrun asks for:
/// `stream_options.include_usage`), and `message_stop`. A stream that ends without `[DONE]` is
/// not complete: `finish` then ends it with an Anthropic `error` event.
final class CompletionsStreamTranslator: StreamTranslator {
    private var reader = CompletionsChunkReader()
    private var started = false
    /// The index and kind of the open content block, and how many blocks were opened.
    private var open: (index: Int, kind: Block)?
    private var blocks = 0
    private var stopReason: String?
    private var usage: JSONNode?
    private(set) var completed = false
    private(set) var failure: String?

    private enum Block: Equatable { case text, tool(Int) }

    /// The provider's own counts, as gwrun logs every OpenAI answer's (`prompt_tokens` includes cache reads).
    var inputTokens: Int? { usage?["prompt_tokens"]?.int }
    var outputTokens: Int? { usage?["completion_tokens"]?.int }
    var cachedTokens: Int? { usage?["prompt_tokens_details"]?["cached_tokens"]?.int }

    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        guard !completed, failure == nil else { return out }
        for piece in reader.feed(bytes) {
            let chunk: JSONNode
            switch piece {
            case .done:
                out += end()
                completed = true
                return out
            case .failed(let reason):
                failure = reason
                return out
            case .chunk(let parsed):
                chunk = parsed
            }
            if !started {
                started = true
                out += Self.event("message_start", messageStart(chunk))
            }
            if let reported = chunk["usage"], reported.isObject { usage = reported }
            for choice in chunk["choices"]?.elements ?? [] {
                let delta = choice["delta"]
                if let text = delta?["content"]?.string, !text.isEmpty {
                    out += openBlock(.text) { block in block.set("type", "text"); block.set("text", "") }
                    out += Self.event("content_block_delta", deltaEvent(index: open?.index ?? 0, type: "text_delta", key: "text", value: text))
                }
                for call in delta?["tool_calls"]?.elements ?? [] {
                    let number = call["index"]?.int ?? 0
                    if open?.kind != .tool(number) {
                        out += openBlock(.tool(number)) { block in
                            block.set("type", "tool_use")
                            block.set("id", call["id"] ?? .string(""))
                            block.set("name", call["function"]?["name"] ?? .string(""))
                            block.set("input", .object())
                        }
                    }
                    if let fragment = call["function"]?["arguments"]?.string, !fragment.isEmpty {
                        out += Self.event("content_block_delta", deltaEvent(index: open?.index ?? 0, type: "input_json_delta", key: "partial_json", value: fragment))
                    }
                }
                if let reason = choice["finish_reason"]?.string { stopReason = CompletionsToMessagesResponse.stopReason(reason) }
            }
        }
        return out
    }

    func finish(cause: String?) -> [UInt8] {
        if completed, cause == nil { return [] }
        return Self.errorEvent(cause ?? failure.map { "the provider's stream failed: \($0)" } ?? "the provider's stream ended before its end")
    }

    static func errorEvent(_ message: String, type: String = "api_error") -> [UInt8] {
        event("error", CompletionsToMessagesResponse.errorBody(type: type, message: message))
    }

    static func event(_ name: String, _ data: JSONNode) -> [UInt8] {
        Array("event: \(name)\ndata: ".utf8) + data.serialized() + Array("\n\n".utf8)
    }

    private func messageStart(_ chunk: JSONNode) -> JSONNode {
        Self.messageStart(id: chunk["id"] ?? .string(""), model: chunk["model"] ?? .string(""))
    }

    /// Anthropic's `message_start` event with an empty message and zero usage.
    static func messageStart(id: JSONNode, model: JSONNode) -> JSONNode {
        let message = JSONNode.object(), usage = JSONNode.object(), event = JSONNode.object()
        message.set("id", id)
        message.set("type", "message")
        message.set("role", "assistant")
        message.set("content", .array())
        message.set("model", model)
        message.set("stop_reason", .null())
        message.set("stop_sequence", .null())
        usage.set("input_tokens", 0)
        usage.set("output_tokens", 0)
        message.set("usage", usage)
        event.set("type", "message_start")
        event.set("message", message)
        return event
    }

    /// Closes the open block if it is another one, and opens `kind` (filled by `fill`).
    private func openBlock(_ kind: Block, fill: (JSONNode) -> Void) -> [UInt8] {
        if open?.kind == kind { return [] }
        var out = closeBlock()
        let block = JSONNode.object(), event = JSONNode.object()
        fill(block)
        event.set("type", "content_block_start")
        event.set("index", blocks)
        event.set("content_block", block)
        open = (blocks, kind)
        blocks += 1
        out += Self.event("content_block_start", event)
        return out
    }

    private func closeBlock() -> [UInt8] {
        guard let current = open else { return [] }
        open = nil
        let event = JSONNode.object()
        event.set("type", "content_block_stop")
        event.set("index", current.index)
        return Self.event("content_block_stop", event)
    }

    private func deltaEvent(index: Int, type: String, key: String, value: String) -> JSONNode {
        let delta = JSONNode.object(), event = JSONNode.object()
        delta.set("type", type)
        delta.set(key, value)
        event.set("type", "content_block_delta")
        event.set("index", index)
        event.set("delta", delta)
        return event
    }

    private func end() -> [UInt8] {
        var out = closeBlock()
        let delta = JSONNode.object(), event = JSONNode.object()
        delta.set("stop_reason", stopReason.map { JSONNode.string($0) } ?? .null())
        delta.set("stop_sequence", .null())
        event.set("type", "message_delta")
        event.set("delta", delta)
        event.set("usage", usage.map(CompletionsToMessagesResponse.usage(wrapping:)) ?? .object())
        out += Self.event("message_delta", event)
        let stop = JSONNode.object()
        stop.set("type", "message_stop")
        out += Self.event("message_stop", stop)
        return out
    }
}
