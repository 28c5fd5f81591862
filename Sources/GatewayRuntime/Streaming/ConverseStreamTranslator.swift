import Foundation

/// Bedrock's ConverseStream (event-stream messages, `EventStreamDecoder`) → Anthropic Messages
/// server-sent events, then, for a client of another format, through that format's translator
/// (`next`: `MessagesStreamTranslator` for Chat Completions, `ResponsesStreamChain` for
/// Responses), as an Anthropic provider's stream would go. Event by event:
/// - `messageStart` → `message_start` (Converse gives no id or model: the request's model, a new id);
/// - a text or reasoning `contentBlockDelta` opens its block first (Converse sends no
///   `contentBlockStart` for them) → `text_delta`, `thinking_delta`, `signature_delta`;
/// - `contentBlockStart` with `toolUse` → a `tool_use` block; its input deltas → `input_json_delta`;
/// - `contentBlockStop` → `content_block_stop`;
/// - `messageStop` holds the stop reason until `metadata` brings the usage: then
///   `message_delta` (stop reason and usage) and `message_stop`;
/// - an exception message (`:message-type: exception`) → an `error` event; the stream fails.
final class ConverseStreamTranslator: StreamTranslator {
    private var decoder = EventStreamDecoder()
    private let model: String
    private let next: (any StreamTranslator)?
    private var open: Set<Int> = []
    private var stopReason: String?
    private var ended = false
    private(set) var failure: String?
    private(set) var inputTokens: Int?
    private(set) var outputTokens: Int?
    private(set) var cachedTokens: Int?

    init(model: String, next: (any StreamTranslator)?) {
        self.model = model
        self.next = next
    }

    var completed: Bool { ended && failure == nil && (next?.completed ?? true) }
    var rejectedByGuard: Bool { next?.rejectedByGuard ?? false }

    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard failure == nil else { return [] }
        var events: [UInt8] = []
        do {
            for message in try decoder.feed(bytes) {
                handle(message, into: &events)
                if failure != nil { break }
            }
        } catch {
            failure = "\(error)"
        }
        guard let next, !events.isEmpty else { return events }
        return events.withUnsafeBytes { next.feed($0) }
    }

    func finish(cause: String?) -> [UInt8] {
        if let next { return next.finish(cause: cause ?? failure) }
        if completed, cause == nil { return [] }
        return CompletionsStreamTranslator.errorEvent(cause ?? failure ?? "the provider's stream ended before the answer was complete")
    }

    private func handle(_ message: EventStreamDecoder.Message, into events: inout [UInt8]) {
        guard let payload = try? JSONNode.parse(message.payload) else {
            failure = "the provider's stream carried an event that is not JSON"
            return
        }
        if message.headers[":message-type"] == "exception" || message.headers[":message-type"] == "error" {
            let kind = message.headers[":exception-type"] ?? message.headers[":error-code"] ?? "exception"
            let text = payload["message"]?.string ?? payload["Message"]?.string ?? kind
            failure = "\(kind): \(text)"
            let type = kind.hasPrefix("throttling") ? "rate_limit_error" : kind.hasPrefix("serviceUnavailable") || kind.hasPrefix("modelNotReady") ? "overloaded_error" : "api_error"
            events += Self.event("error", CompletionsToMessagesResponse.errorBody(type: type, message: text))
            return
        }
        switch message.headers[":event-type"] {
        case "messageStart":
            let start = CompletionsStreamTranslator.messageStart(id: .string("msg_bdrk_" + UUID().uuidString.lowercased()), model: .string(model))
            events += Self.event("message_start", start)
        case "contentBlockStart":
            let index = payload["contentBlockIndex"]?.int ?? 0
            guard let use = payload["start"]?["toolUse"] else { return }
            let block = JSONNode.object()
            block.set("type", "tool_use")
            block.set("id", use["toolUseId"] ?? .string(""))
            block.set("name", use["name"] ?? .string(""))
            block.set("input", .object())
            events += blockStart(index, block)
        case "contentBlockDelta":
            let index = payload["contentBlockIndex"]?.int ?? 0
            guard let delta = payload["delta"] else { return }
            let converted = JSONNode.object()
            if let text = delta["text"] {
                if !open.contains(index) { events += blockStart(index, Self.block("text", "text")) }
                converted.set("type", "text_delta")
                converted.set("text", text)
            } else if let input = delta["toolUse"]?["input"] {
                converted.set("type", "input_json_delta")
                converted.set("partial_json", input)
            } else if let reasoning = delta["reasoningContent"] {
                if !open.contains(index) { events += blockStart(index, Self.block("thinking", "thinking")) }
                if let text = reasoning["text"] {
                    converted.set("type", "thinking_delta")
                    converted.set("thinking", text)
                } else if let signature = reasoning["signature"] {
                    converted.set("type", "signature_delta")
                    converted.set("signature", signature)
                } else { return }
            } else { return }
            let event = JSONNode.object()
            event.set("type", "content_block_delta")
            event.set("index", index)
            event.set("delta", converted)
            events += Self.event("content_block_delta", event)
        case "contentBlockStop":
            let index = payload["contentBlockIndex"]?.int ?? 0
            guard open.remove(index) != nil else { return }
            let event = JSONNode.object()
            event.set("type", "content_block_stop")
            event.set("index", index)
            events += Self.event("content_block_stop", event)
        case "messageStop":
            stopReason = ConverseToMessages.stopReason(payload["stopReason"]?.string) ?? "end_turn"
        case "metadata":
            let usage = ConverseToMessages.usage(payload["usage"])
            inputTokens = usage["input_tokens"]?.int
            outputTokens = usage["output_tokens"]?.int
            cachedTokens = usage["cache_read_input_tokens"]?.int
            events += end(usage: usage)
        default:
            return
        }
    }

    /// `message_delta` with the stop reason and usage, then `message_stop`.
    private func end(usage: JSONNode) -> [UInt8] {
        guard !ended else { return [] }
        ended = true
        let delta = JSONNode.object(), body = JSONNode.object()
        body.set("stop_reason", stopReason.map { JSONNode.string($0) } ?? .string("end_turn"))
        body.set("stop_sequence", .null())
        delta.set("type", "message_delta")
        delta.set("delta", body)
        delta.set("usage", usage)
        let stop = JSONNode.object()
        stop.set("type", "message_stop")
        return Self.event("message_delta", delta) + Self.event("message_stop", stop)
    }

    private func blockStart(_ index: Int, _ block: JSONNode) -> [UInt8] {
        open.insert(index)
        let event = JSONNode.object()
        event.set("type", "content_block_start")
        event.set("index", index)
        event.set("content_block", block)
        return Self.event("content_block_start", event)
    }

    private static func block(_ type: String, _ field: String) -> JSONNode {
        let block = JSONNode.object()
        block.set("type", type)
        block.set(field, "")
        return block
    }

    static func event(_ name: String, _ data: JSONNode) -> [UInt8] {
        Array("event: \(name)\ndata: ".utf8) + data.serialized() + Array("\n\n".utf8)
    }
}
