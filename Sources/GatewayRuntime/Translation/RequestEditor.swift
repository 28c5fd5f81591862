import GatewayIR

/// A backend's `ai.defaults`, `ai.overrides` and `ai.prompt` applied to a request body in the
/// client's format, before it is translated for the provider (agentgateway's order: the fields
/// are the client's request body's). A default sets a top-level field the client left out, an
/// override sets it whatever the client sent; a prepended or appended message goes before or
/// after the client's: in `messages` (Chat Completions; Messages, where a `system` one joins the
/// `system` prompt instead) or in `input` (Responses; a string input becomes a user message).
enum RequestEditor {
    typealias Edit = (kind: RequestEdit.Kind?, key: String, value: String)

    static func apply(_ edits: [Edit], to body: JSONNode, routeType: String) {
        guard body.isObject else { return }
        var prepend: [(role: String, content: String)] = [], append: [(role: String, content: String)] = []
        for edit in edits {
            switch edit.kind {
            case .default?: if body[edit.key] == nil { body.set(edit.key, value(edit.value)) }
            case .override?: body.set(edit.key, value(edit.value))
            case .prepend?: prepend.append((edit.key, edit.value))
            case .append?: append.append((edit.key, edit.value))
            case nil: continue
            }
        }
        guard !prepend.isEmpty || !append.isEmpty, routeType != "Embeddings" else { return }
        switch routeType {
        case "Messages", "AnthropicTokenCount":
            let system = (prepend + append).filter { $0.role == "system" }
            if !system.isEmpty { joinSystem(body, before: prepend.filter { $0.role == "system" }.map(\.content), after: append.filter { $0.role == "system" }.map(\.content)) }
            surround(body, "messages", prepend.filter { $0.role != "system" }, append.filter { $0.role != "system" })
        case "Responses":
            if let text = body["input"]?.string { body.set("input", array([message("user", text)])) }
            surround(body, "input", prepend, append)
        default:
            surround(body, "messages", prepend, append)
        }
    }

    /// The JSON text gwc wrote; a value that is not JSON is taken as a string.
    static func value(_ text: String) -> JSONNode {
        (try? JSONNode.parse("[" + text + "]"))?.elements.first ?? .string(text)
    }

    private static func surround(_ body: JSONNode, _ key: String, _ before: [(role: String, content: String)], _ after: [(role: String, content: String)]) {
        guard !before.isEmpty || !after.isEmpty else { return }
        let existing = body[key]?.elements ?? []
        body.set(key, array(before.map { message($0.role, $0.content) } + existing + after.map { message($0.role, $0.content) }))
    }

    /// Anthropic's `system` (a string or text blocks) with the backend's system prompts around it.
    private static func joinSystem(_ body: JSONNode, before: [String], after: [String]) {
        if let blocks = body["system"], blocks.isArray {
            let text = { (content: String) -> JSONNode in
                let block = JSONNode.object()
                block.set("type", "text")
                block.set("text", content)
                return block
            }
            body.set("system", array(before.map(text) + blocks.elements + after.map(text)))
        } else {
            body.set("system", (before + [body["system"]?.string].compactMap { $0 } + after).joined(separator: "\n"))
        }
    }

    private static func message(_ role: String, _ content: String) -> JSONNode {
        let message = JSONNode.object()
        message.set("role", role)
        message.set("content", content)
        return message
    }

    private static func array(_ items: [JSONNode]) -> JSONNode {
        let array = JSONNode.array()
        for item in items { array.append(item) }
        return array
    }
}
