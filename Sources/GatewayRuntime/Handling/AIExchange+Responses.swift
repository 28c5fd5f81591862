/// A Responses route (Codex-style agents, Hermes' `codex_responses`, the openai SDK's
/// `responses.create`) over an Anthropic provider: the request through Chat Completions
/// (`ResponsesToCompletionsRequest`, then `CompletionsToMessages`), the answer back the same way
/// (`MessagesToCompletions`, then `CompletionsToResponsesResponse`, or event by event through
/// `ResponsesStreamChain`). Errors keep OpenAI's shape, which Responses clients read too. An
/// `openai` provider gets Responses requests as they are (its own `/responses`).
extension AIExchange {
    func responsesToAnthropic(_ body: JSONNode, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse {
        let completions: JSONNode
        do {
            completions = try ResponsesToCompletionsRequest.request(body, modelOverride: pinned)
        } catch let error as TranslationError {
            return .openAIError(400, error.description)
        } catch {
            return .openAIError(400, "failed to process LLM request")
        }
        return await completionsToAnthropic(completions, provider: provider, pinned: pinned, responsesRequest: body, record: &record)
    }
}
