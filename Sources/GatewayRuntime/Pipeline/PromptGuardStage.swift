/// Prompt guards: the rule's request and response rules go with the request to the AI exchange,
/// which parses the body once and applies them there (request rules before the provider is
/// called, response rules to the buffered or streamed answer). Guards act on AI routes only; a
/// plain route's body is not read as messages.
struct PromptGuardStage: RequestStage {
    var name: String { "prompt guard" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        if let promptGuard = context.policies?.promptGuard { context.record.promptGuard = promptGuard }
        return .next
    }
}
