import GatewayIR
import NIOCore

/// A Chat Completions route over an Anthropic provider (also the second half of a Responses one):
/// the request translated to Messages, the answer back, buffered or event by event.
extension AIExchange {
    /// A Chat Completions request to an Anthropic provider; with `responsesRequest` (a Responses
    /// client's, `AIExchange+Responses`) the answer goes back as a Responses answer instead.
    func completionsToAnthropic(_ body: JSONNode, provider: Int, pinned: String?, responsesRequest: JSONNode? = nil, record: inout AccessRecord) async -> GatewayResponse {
        let translated: JSONNode
        do {
            translated = try CompletionsToMessages.request(body, modelOverride: pinned)
        } catch let error as TranslationError {
            return .openAIError(400, error.description)
        } catch {
            return .openAIError(400, "failed to process LLM request")
        }
        if body["stream"]?.bool == true {
            let translation = responsesRequest.map { StreamTranslation.toResponses(fromAnthropic: true, request: $0) } ?? .messagesToCompletions
            return await streamFromAnthropic(translated, provider: provider, translation: translation, record: &record)
        }
        let messages = messagesRequest(translated, provider: provider)
        let upstream = await send(messages.body.serializedBuffer(), provider: provider, suffix: messages.suffix, anthropic: true, record: &record, translateErrors: true)
        guard upstream.status / 100 == 2 else { return upstream }
        guard let parsed = try? JSONNode.parse(upstream.body) else { return .openAIError(502, "the provider's answer is not JSON", type: "api_error") }
        let response = MessagesToCompletions.response(parsed)
        record.inputTokens = response["usage"]?["prompt_tokens"]?.int
        record.outputTokens = response["usage"]?["completion_tokens"]?.int
        record.cachedTokens = parsed["usage"]?["cache_read_input_tokens"]?.int
        if case .refused(let refusal) = guardAnswer(response, record: &record) { return refusal }
        record.auditContent?.appendAnswer(response)
        if let responsesRequest { return .json(200, CompletionsToResponsesResponse.response(response, request: responsesRequest)) }
        return .json(200, response)
    }

    /// A streaming client: the provider streams too, and each of its events is translated and
    /// sent on as it arrives. An error status comes back buffered and translated, as agentgateway does.
    private func streamFromAnthropic(_ translated: JSONNode, provider: Int, translation: StreamTranslation, record: inout AccessRecord) async -> GatewayResponse {
        let messages = messagesRequest(translated, provider: provider)
        let body = messages.body.serializedBuffer()
        guard let request = upstreamRequest(provider: provider, suffix: messages.suffix, anthropic: true, accept: "text/event-stream", body: body) else {
            return noEndpoint(provider)
        }
        let deadline = NIODeadline.now() + timeout
        let response: UpstreamResponse
        switch await processor.call(method: "POST", endpoint: request.endpoint, headers: request.headers, body: body, deadline: deadline, retry: retry, record: &record) {
        case .failed(let answer): return answer
        case .head(let head): response = head
        }
        guard response.status / 100 == 2 else {
            switch await processor.collect(response, record: &record) {
            case .failure(let failure): return failure.response
            case .success(let body): return .json(response.status, MessagesToCompletions.error(body: body))
            }
        }
        return GatewayResponse(
            status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
            stream: RequestProcessor.relay(response, deadline: deadline, translation: translation, responseGuards: guards?.response ?? []))
    }
}
