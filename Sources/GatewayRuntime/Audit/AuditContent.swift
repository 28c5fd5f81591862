/// What an audit record holds of a request's text when its route opted in
/// (`gwc.dev/audit-content: "true"`): the prompt as sent to the provider (after prompt guards
/// masked it: `system`, `messages`, `input`, `instructions`, `prompt`, whichever the request has)
/// and the answer's text as the client got it (a stream's pieces joined), each capped at
/// `limit` bytes so one record cannot grow without bound (`truncated` says so).
struct AuditContent: Sendable {
    static let limit = 256 << 10
    static let promptFields = ["system", "messages", "input", "instructions", "prompt"]

    var prompt: [UInt8]?
    var completion = ""
    var truncated = false

    /// The prompt fields of a request body, as one JSON object.
    init(request body: JSONNode) {
        let prompt = JSONNode.object()
        for field in Self.promptFields { if let value = body[field] { prompt.set(field, value) } }
        var bytes = prompt.serialized()
        if bytes.count > Self.limit {
            // Cut, it is no longer JSON: kept as a JSON string of its first `limit` bytes.
            bytes = JSONNode.string(String(decoding: bytes.prefix(Self.limit), as: UTF8.self)).serialized()
            truncated = true
        }
        self.prompt = bytes
    }

    mutating func append(_ text: String) {
        guard !text.isEmpty, !truncated || completion.utf8.count < Self.limit else { return }
        let room = Self.limit - completion.utf8.count
        if text.utf8.count <= room { return completion += text }
        completion += String(decoding: text.utf8.prefix(room), as: UTF8.self)
        truncated = true
    }

    /// The text of a buffered answer: OpenAI's `choices[].message.content`, Anthropic's
    /// `content[].text`, a Responses answer's `output[].content[]` `output_text`s.
    mutating func appendAnswer(_ answer: JSONNode) {
        for choice in answer["choices"]?.elements ?? [] { if let text = choice["message"]?["content"]?.string { append(text) } }
        for block in answer["content"]?.elements ?? [] where block["type"]?.string == "text" { if let text = block["text"]?.string { append(text) } }
        for item in answer["output"]?.elements ?? [] where item["type"]?.string == "message" {
            for part in item["content"]?.elements ?? [] where part["type"]?.string == "output_text" { if let text = part["text"]?.string { append(text) } }
        }
    }

    /// The text in one server-sent event's data: an OpenAI chunk's `choices[].delta.content`, an
    /// Anthropic `content_block_delta`'s `delta.text`, a Responses `response.output_text.delta`'s `delta`.
    mutating func appendEvent(_ data: [UInt8]) {
        guard let event = try? JSONNode.parse(data) else { return }
        for choice in event["choices"]?.elements ?? [] { if let text = choice["delta"]?["content"]?.string { append(text) } }
        if event["type"]?.string == "content_block_delta", let text = event["delta"]?["text"]?.string { append(text) }
        if event["type"]?.string == "response.output_text.delta", let text = event["delta"]?.string { append(text) }
    }
}
