/// Response prompt guards on a streamed answer, event by event as it is relayed: OpenAI Chat
/// Completions chunks (`choices[].delta.content`), Anthropic Messages events (`text_delta`) or
/// Gemini's native chunks (`candidates[].content.parts[].text`).
/// A match may be split across events and network reads: each choice's (or content block's) text
/// is held back by `window` characters, so a match up to that long is found whole before any of it
/// is sent; what is released has its matches masked. The held text goes out masked with the choice's
/// finish chunk (or the block's stop), or at the end. A Reject rule that matches ends the stream
/// with an error event, and nothing of the match is sent. (agentgateway can only reject streams.)
/// One instance per answer; not shared between tasks.
final class StreamGuard {
    enum Format: Sendable { case openAI, anthropic, gemini }

    let format: Format
    let rules: [PromptGuardRule]
    let window: Int
    private var events = ServerSentEvents()
    /// Text received and not yet sent, per choice or content block.
    private var held: [Int: String] = [:]
    /// The last text event of each index, as a template for flushing held text.
    private var templates: [Int: JSONNode] = [:]
    /// Set when a Reject rule matched or the stream could not be read: nothing more is sent.
    private(set) var rejection: PromptGuardRule?
    private(set) var failed = false

    init(format: Format, rules: [PromptGuardRule], window: Int = 256) {
        self.format = format
        self.rules = rules
        self.window = window
    }

    /// The bytes to send for what `bytes` complete (possibly none).
    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard rejection == nil, !failed else { return [] }
        var output: [UInt8] = []
        let completed: [[UInt8]]
        do { completed = try events.feed(bytes) } catch {
            failed = true
            return errorEvent("the provider's stream could not be read")
        }
        for data in completed {
            handle(data, into: &output)
            if rejection != nil { break }
        }
        return output
    }

    func feed(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { feed($0) } }

    /// Held text of a stream that ended without its finish events (nothing, normally).
    func finish() -> [UInt8] {
        guard rejection == nil, !failed else { return [] }
        var output: [UInt8] = []
        for index in held.keys.sorted() { flush(index, into: &output) }
        return output
    }

    private func handle(_ data: [UInt8], into output: inout [UInt8]) {
        guard data != Array("[DONE]".utf8) else {
            for index in held.keys.sorted() { flush(index, into: &output) }
            if rejection == nil { output += Array("data: [DONE]\n\n".utf8) }
            return
        }
        guard let event = try? JSONNode.parse(data) else { return emit(data, into: &output) }
        switch format {
        case .openAI:
            for choice in event["choices"]?.elements ?? [] {
                let index = choice["index"]?.int ?? 0
                if let content = choice["delta"]?["content"], let text = content.string {
                    templates[index] = event
                    content.replaceString(release(index, adding: text, final: choice["finish_reason"].map { !$0.isNull } ?? false))
                } else if let finish = choice["finish_reason"], !finish.isNull, let rest = held[index], !rest.isEmpty {
                    // The held text rides on the finish chunk.
                    let delta = choice["delta"] ?? JSONNode.object()
                    delta.set("content", release(index, adding: "", final: true))
                    choice.set("delta", delta)
                }
                if rejection != nil { return }
            }
        case .anthropic:
            let type = event["type"]?.string
            let index = event["index"]?.int ?? 0
            if type == "content_block_delta", let delta = event["delta"], delta["type"]?.string == "text_delta", let text = delta["text"]?.string {
                templates[index] = event
                delta["text"]?.replaceString(release(index, adding: text, final: false))
                if rejection != nil { return }
            } else if type == "content_block_stop" || type == "message_stop" {
                for key in (type == "message_stop" ? held.keys.sorted() : [index]) { flush(key, into: &output) }
                if rejection != nil { return }
            }
        case .gemini:
            for candidate in event["candidates"]?.elements ?? [] {
                let index = candidate["index"]?.int ?? 0
                let finished = candidate["finishReason"].map { !$0.isNull } ?? false
                let texts = (candidate["content"]?["parts"]?.elements ?? []).compactMap { part in part["text"].flatMap { $0.isString ? $0 : nil } }
                if texts.isEmpty, finished, let rest = held[index], !rest.isEmpty {
                    // The held text rides on the finishing chunk.
                    let content = candidate["content"] ?? JSONNode.object()
                    content.set("parts", Self.geminiParts(release(index, adding: "", final: true)))
                    candidate.set("content", content)
                }
                for (position, text) in texts.enumerated() {
                    templates[index] = event
                    text.replaceString(release(index, adding: text.string ?? "", final: finished && position == texts.count - 1))
                    if rejection != nil { return }
                }
                if rejection != nil { return }
            }
        }
        emit(event.serialized(), into: &output, type: format == .anthropic ? event["type"]?.string : nil)
    }

    /// Adds text to an index's held text and returns what can be sent now, masked.
    private func release(_ index: Int, adding text: String, final: Bool) -> String {
        let all = (held[index] ?? "") + text
        let findings = rules.map { ($0, $0.findings(in: all)) }
        if let rejected = findings.first(where: { $0.0.action == .reject && !$0.1.isEmpty }) {
            rejection = rejected.0
            return ""
        }
        var cut = final ? all.endIndex : (all.index(all.endIndex, offsetBy: -window, limitedBy: all.startIndex) ?? all.startIndex)
        // A match that reaches past the cut may still grow: hold it whole.
        for (_, found) in findings { for finding in found where finding.range.lowerBound < cut && finding.range.upperBound > cut { cut = finding.range.lowerBound } }
        var released = String(all[..<cut])
        held[index] = String(all[cut...])
        for rule in rules where rule.action == .mask {
            let found = rule.findings(in: released)
            if !found.isEmpty { released = PromptGuardRule.masked(released, found) }
        }
        return released
    }

    /// Sends an index's held text as one more text event, made from its last one.
    private func flush(_ index: Int, into output: inout [UInt8]) {
        guard let rest = held[index], !rest.isEmpty, let template = templates[index] else { return }
        let text = release(index, adding: "", final: true)
        guard rejection == nil, let copy = try? JSONNode.parse(template.serialized()) else { return }
        switch format {
        case .openAI:
            for choice in copy["choices"]?.elements ?? [] where (choice["index"]?.int ?? 0) == index { choice["delta"]?["content"]?.replaceString(text) }
            emit(copy.serialized(), into: &output)
        case .anthropic:
            copy["delta"]?["text"]?.replaceString(text)
            emit(copy.serialized(), into: &output, type: "content_block_delta")
        case .gemini:
            for candidate in copy["candidates"]?.elements ?? [] where (candidate["index"]?.int ?? 0) == index {
                candidate["content"]?.set("parts", Self.geminiParts(text))
            }
            emit(copy.serialized(), into: &output)
        }
    }

    /// Gemini's `parts` holding one text part.
    private static func geminiParts(_ text: String) -> JSONNode {
        let part = JSONNode.object()
        part.set("text", text)
        let parts = JSONNode.array()
        parts.append(part)
        return parts
    }

    private func emit(_ data: [UInt8], into output: inout [UInt8], type: String? = nil) {
        if let type { output += Array("event: \(type)\n".utf8) }
        output += Array("data: ".utf8) + data + Array("\n\n".utf8)
    }

    /// The event that ends a rejected stream: an error the SDKs raise, never `[DONE]`.
    func errorEvent(_ message: String) -> [UInt8] {
        switch format {
        case .openAI: return MessagesStreamTranslator.errorEvent(message, type: "invalid_request_error")
        case .anthropic: return CompletionsStreamTranslator.errorEvent(message, type: "invalid_request_error")
        case .gemini:
            // Google's error shape, as its API answers a failed request.
            let error = JSONNode.object()
            error.set("code", 400)
            error.set("message", message)
            error.set("status", "INVALID_ARGUMENT")
            let body = JSONNode.object()
            body.set("error", error)
            return Array("data: ".utf8) + body.serialized() + Array("\n\n".utf8)
        }
    }

    /// The error event for a rejection, once (nil when none happened).
    func rejectionEvent() -> [UInt8]? { rejection.map { errorEvent($0.rejectMessage) } }
}
