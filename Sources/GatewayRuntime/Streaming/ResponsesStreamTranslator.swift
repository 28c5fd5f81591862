import Foundation

/// An OpenAI Chat Completions event stream (`chat.completion.chunk`s, then `[DONE]`) as the
/// OpenAI Responses events a Responses client reads (the openai SDK's `responses.create(stream=True)`
/// and `responses.stream`, Hermes' `codex_responses`), as each chunk arrives: `response.created`
/// and `response.in_progress` from the first chunk; one output item at a time, opened by
/// `response.output_item.added` and closed by its `.done` events when the next kind of delta
/// begins: reasoning (`reasoning_content`, as a summary), the message (`output_text` deltas), one
/// `function_call` per tool call (argument deltas); at `[DONE]` `response.completed` (or
/// `response.incomplete` for `length` and `content_filter`) with every item and the usage. Every
/// event carries its `sequence_number`. A stream that fails or ends without `[DONE]` ends with
/// `response.failed`, so it is never taken for a whole answer.
final class ResponsesStreamTranslator {
    private var reader = CompletionsChunkReader()
    /// The client's request, echoed in the `response` objects as the Responses API does.
    private let request: JSONNode
    private var sequence = 0
    private var started = false
    private var id = "resp_gwrun", base = "gwrun", model = "", created = Int(Date().timeIntervalSince1970)
    /// The items so far (done ones complete) and the open one.
    private let output = JSONNode.array()
    private var open: OpenItem?
    private var finishReason: String?
    private var usage: JSONNode?
    private(set) var completed = false
    private(set) var failure: String?
    /// `response.failed` was sent: nothing follows it.
    private var failedSent = false

    private enum Kind: Equatable { case reasoning, message, call(Int) }
    private struct OpenItem {
        let kind: Kind
        let index: Int
        let id: String
        var text = ""
        var callID = "", name = ""
    }

    init(request: JSONNode) { self.request = request }

    var inputTokens: Int? { usage?["prompt_tokens"]?.int }
    var outputTokens: Int? { usage?["completion_tokens"]?.int }
    var cachedTokens: Int? { usage?["prompt_tokens_details"]?["cached_tokens"]?.int }

    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        guard !completed, !failedSent, failure == nil else { return out }
        for piece in reader.feed(bytes) {
            let chunk: JSONNode
            switch piece {
            case .done:
                out += start(nil) + closeItem() + terminal()
                completed = true
                return out
            case .failed(let reason):
                failure = reason
                return out
            case .chunk(let parsed):
                chunk = parsed
            }
            out += start(chunk)
            if let reported = chunk["usage"], reported.isObject { usage = reported }
            for choice in chunk["choices"]?.elements ?? [] {
                let delta = choice["delta"]
                if let text = delta?["reasoning_content"]?.string ?? delta?["reasoning"]?.string, !text.isEmpty {
                    out += openItem(.reasoning) + textDelta(text)
                }
                if let text = delta?["content"]?.string, !text.isEmpty {
                    out += openItem(.message) + textDelta(text)
                }
                for call in delta?["tool_calls"]?.elements ?? [] {
                    let number = call["index"]?.int ?? 0
                    out += openItem(.call(number), callID: call["id"]?.string, name: call["function"]?["name"]?.string)
                    if let fragment = call["function"]?["arguments"]?.string, !fragment.isEmpty { out += textDelta(fragment) }
                }
                if let reason = choice["finish_reason"]?.string { finishReason = reason }
            }
        }
        return out
    }

    func feed(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { feed($0) } }

    /// Nothing after a whole answer; otherwise `response.failed` with `cause` (or the failure).
    func finish(cause: String?) -> [UInt8] {
        if (completed && cause == nil) || failedSent { return [] }
        failedSent = true
        let message = cause ?? failure.map { "the provider's stream failed: \($0)" } ?? "the provider's stream ended before its end"
        var out = start(nil)
        let response = snapshot(inProgress: false)
        response.set("status", "failed")
        let error = JSONNode.object()
        error.set("code", "server_error")
        error.set("message", message)
        response.set("error", error)
        out += event("response.failed") { $0.set("response", response) }
        return out
    }

    /// `data: {"error": …}`: what the relay sends when the deadline passes mid-stream.
    static func errorEvent(_ message: String) -> [UInt8] {
        let event = JSONNode.object()
        event.set("type", "error")
        event.set("code", "server_error")
        event.set("message", message)
        event.set("param", .null())
        return Array("event: error\ndata: ".utf8) + event.serialized() + Array("\n\n".utf8)
    }

    private func start(_ chunk: JSONNode?) -> [UInt8] {
        guard !started else { return [] }
        started = true
        if let providerID = chunk?["id"]?.string, !providerID.isEmpty {
            base = CompletionsToResponsesResponse.idBase(providerID)
            id = "resp_\(base)"
        }
        model = chunk?["model"]?.string ?? request["model"]?.string ?? ""
        if let time = chunk?["created"]?.int { created = time }
        let response = snapshot(inProgress: true)
        return event("response.created") { $0.set("response", response) } + event("response.in_progress") { $0.set("response", response) }
    }

    private func snapshot(inProgress: Bool) -> JSONNode {
        CompletionsToResponsesResponse.object(id: id, created: created, model: model, finishReason: finishReason, output: output,
                                              usage: inProgress ? nil : usage, request: request, inProgress: inProgress)
    }

    /// Closes the open item unless it is `kind`, and opens `kind`.
    private func openItem(_ kind: Kind, callID: String? = nil, name: String? = nil) -> [UInt8] {
        if open?.kind == kind { return [] }
        var out = closeItem()
        let index = output.count
        let prefix = switch kind { case .reasoning: "rs"; case .message: "msg"; case .call: "fc" }
        var item = OpenItem(kind: kind, index: index, id: "\(prefix)_\(base)_\(index)")
        item.callID = callID ?? "call_\(base)_\(index)"
        item.name = name ?? ""
        open = item
        let added = self.item(item, done: false)
        out += event("response.output_item.added") { $0.set("output_index", index); $0.set("item", added) }
        switch kind {
        case .reasoning:
            out += event("response.reasoning_summary_part.added") { event in
                self.locate(event, item, content: "summary_index")
                event.set("part", CompletionsToResponsesResponse.summaryText(""))
            }
        case .message:
            out += event("response.content_part.added") { event in
                self.locate(event, item, content: "content_index")
                event.set("part", CompletionsToResponsesResponse.outputText(""))
            }
        case .call:
            break
        }
        return out
    }

    private func textDelta(_ text: String) -> [UInt8] {
        guard var item = open else { return [] }
        item.text += text
        open = item
        let name = switch item.kind {
        case .reasoning: "response.reasoning_summary_text.delta"
        case .message: "response.output_text.delta"
        case .call: "response.function_call_arguments.delta"
        }
        return event(name) { event in
            self.locate(event, item, content: item.kind == .reasoning ? "summary_index" : item.kind == .message ? "content_index" : nil)
            event.set("delta", text)
            if item.kind == .message { event.set("logprobs", .array()) }
        }
    }

    private func closeItem() -> [UInt8] {
        guard let item = open else { return [] }
        open = nil
        var out: [UInt8] = []
        switch item.kind {
        case .reasoning:
            out += event("response.reasoning_summary_text.done") { self.locate($0, item, content: "summary_index"); $0.set("text", item.text) }
            out += event("response.reasoning_summary_part.done") { event in
                self.locate(event, item, content: "summary_index")
                event.set("part", CompletionsToResponsesResponse.summaryText(item.text))
            }
        case .message:
            out += event("response.output_text.done") { event in
                self.locate(event, item, content: "content_index")
                event.set("text", item.text)
                event.set("logprobs", .array())
            }
            out += event("response.content_part.done") { event in
                self.locate(event, item, content: "content_index")
                event.set("part", CompletionsToResponsesResponse.outputText(item.text))
            }
        case .call:
            out += event("response.function_call_arguments.done") { self.locate($0, item, content: nil); $0.set("name", item.name); $0.set("arguments", self.arguments(item)) }
        }
        let done = self.item(item, done: true)
        output.append(done)
        out += event("response.output_item.done") { $0.set("output_index", item.index); $0.set("item", done) }
        return out
    }

    private func terminal() -> [UInt8] {
        let response = snapshot(inProgress: false)
        let name = response["status"]?.string == "incomplete" ? "response.incomplete" : "response.completed"
        return event(name) { $0.set("response", response) }
    }

    /// A tool that streamed no arguments called with none: `{}`, as the Responses API gives it.
    private func arguments(_ item: OpenItem) -> String { item.text.isEmpty ? "{}" : item.text }

    private func item(_ item: OpenItem, done: Bool) -> JSONNode {
        let status = done ? "completed" : "in_progress"
        switch item.kind {
        case .reasoning: return CompletionsToResponsesResponse.reasoningItem(id: item.id, text: done ? item.text : nil)
        case .message: return CompletionsToResponsesResponse.messageItem(id: item.id, text: done ? item.text : nil, status: status)
        case .call: return CompletionsToResponsesResponse.functionCallItem(id: item.id, callID: item.callID, name: item.name, arguments: done ? arguments(item) : "", status: status)
        }
    }

    private func locate(_ event: JSONNode, _ item: OpenItem, content key: String?) {
        event.set("item_id", item.id)
        event.set("output_index", item.index)
        if let key { event.set(key, 0) }
    }

    /// `event: <type>` and its JSON with `type` first and the sequence number.
    private func event(_ type: String, _ fill: (JSONNode) -> Void) -> [UInt8] {
        let event = JSONNode.object()
        event.set("type", type)
        event.set("sequence_number", sequence)
        sequence += 1
        fill(event)
        return Array("event: \(type)\ndata: ".utf8) + event.serialized() + Array("\n\n".utf8)
    }
}
