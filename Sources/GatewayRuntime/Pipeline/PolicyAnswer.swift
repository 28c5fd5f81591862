import GatewayIR

/// The answers policy stages give: OpenAI's error shape (`{"error": {"message", "type", "code"}}`)
/// on AI routes, which every AI SDK parses and raises, plain text elsewhere.
enum PolicyAnswer {
    static func refusal(_ status: Int, _ message: String, type: String, code: String, context: RequestContext, processor: RequestProcessor) -> GatewayResponse {
        guard let backend = context.backend, processor.table.backend(backend).kind == .ai else { return .text(status, message) }
        let error = JSONNode.object()
        error.set("message", message)
        error.set("type", type)
        error.set("code", code)
        let body = JSONNode.object()
        body.set("error", error)
        return .json(status, body)
    }
}
