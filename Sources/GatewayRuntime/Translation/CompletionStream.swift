/// A Chat Completions answer as the server-sent events a streaming client expects: a role
/// chunk, the content, tool calls, a finish chunk carrying the usage, then `data: [DONE]`.
enum CompletionStream {
    static func events(from response: JSONNode) -> GatewayResponse {
        var body: [UInt8] = []
        func emit(_ delta: JSONNode, finish: JSONNode? = nil, usage: JSONNode? = nil) {
            let chunk = JSONNode.object()
            chunk.set("id", response["id"] ?? .string(""))
            chunk.set("object", "chat.completion.chunk")
            chunk.set("created", response["created"] ?? .integer(0))
            chunk.set("model", response["model"] ?? .string(""))
            let choice = JSONNode.object()
            choice.set("index", 0)
            choice.set("delta", delta)
            choice.set("finish_reason", finish ?? .null())
            let choices = JSONNode.array()
            choices.append(choice)
            chunk.set("choices", choices)
            if let usage { chunk.set("usage", usage) }
            body += Array("data: ".utf8) + chunk.serialized() + Array("\n\n".utf8)
        }
        let message = response["choices"]?.elements.first?["message"]
        let role = JSONNode.object()
        role.set("role", "assistant")
        role.set("content", "")
        emit(role)
        if let content = message?["content"], content.isString {
            let delta = JSONNode.object()
            delta.set("content", content)
            emit(delta)
        }
        for (index, call) in (message?["tool_calls"]?.elements ?? []).enumerated() {
            call.set("index", index)
            let calls = JSONNode.array()
            calls.append(call)
            let delta = JSONNode.object()
            delta.set("tool_calls", calls)
            emit(delta)
        }
        emit(.object(), finish: response["choices"]?.elements.first?["finish_reason"], usage: response["usage"])
        body += Array("data: [DONE]\n\n".utf8)
        return GatewayResponse(status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")], body: body)
    }
}
