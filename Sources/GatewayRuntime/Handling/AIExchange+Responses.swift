import NIOCore

/// A Responses route (Codex-style agents, Hermes' `codex_responses`, the openai SDK's
/// `responses.create`) over an Anthropic provider: the request through Chat Completions
/// (`ResponsesToCompletionsRequest`, then `CompletionsToMessages`), the answer back the same way
/// (`MessagesToCompletions`, then `CompletionsToResponsesResponse`, or event by event through
/// `ResponsesStreamChain`). Errors keep OpenAI's shape, which Responses clients read too. A
/// provider with its own `/responses` (OpenAI, Azure's v1 API) gets Responses requests as they
/// are; one that speaks Chat Completions only (Gemini, Vertex AI, a dated Azure api-version, a
/// custom one) gets them translated (`responsesToCompletions`).
extension AIExchange {
    struct Refusal: Error { let response: GatewayResponse }

    /// The Responses request as Chat Completions, or the 400 a client gets for one gwrun cannot translate.
    private func completionsRequest(_ body: JSONNode, pinned: String?) -> Result<JSONNode, Refusal> {
        do {
            return .success(try ResponsesToCompletionsRequest.request(body, modelOverride: pinned))
        } catch let error as TranslationError {
            return .failure(Refusal(response: .openAIError(400, error.description)))
        } catch {
            return .failure(Refusal(response: .openAIError(400, "failed to process LLM request")))
        }
    }

    func responsesToAnthropic(_ body: JSONNode, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse {
        let completions: JSONNode
        switch completionsRequest(body, pinned: pinned) {
        case .success(let translated): completions = translated
        case .failure(let refusal): return refusal.response
        }
        return await completionsToAnthropic(completions, provider: provider, pinned: pinned, responsesRequest: body, record: &record)
    }

    /// A Responses request to a provider that speaks Chat Completions only: translated, sent to
    /// its `/chat/completions`, and the answer (buffered, or chunk by chunk) back as a Response.
    func responsesToCompletions(_ body: JSONNode, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse {
        let completions: JSONNode
        switch completionsRequest(body, pinned: pinned) {
        case .success(let translated): completions = translated
        case .failure(let refusal): return refusal.response
        }
        if completions["stream"]?.bool == true {
            let options = JSONNode.object()
            options.set("include_usage", .bool(true))
            completions.set("stream_options", options)
            let upstreamBody = completions.serializedBuffer()
            guard let upstream = upstreamRequest(provider: provider, suffix: "/chat/completions", anthropic: false, accept: "text/event-stream", body: upstreamBody) else { return noEndpoint(provider) }
            let deadline = NIODeadline.now() + timeout
            let response: UpstreamResponse
            switch await processor.call(method: "POST", endpoint: upstream.endpoint, headers: upstream.headers, body: upstreamBody, deadline: deadline, retry: retry, record: &record) {
            case .failed(let answer): return answer
            case .head(let head): response = head
            }
            guard response.status / 100 == 2 else {
                // The provider's error is in OpenAI's shape already, which Responses clients read.
                switch await processor.collect(response, record: &record) {
                case .failure(let failure): return failure.response
                case .success(let body): return GatewayResponse(status: response.status, headers: [("content-type", "application/json")], body: body)
                }
            }
            return GatewayResponse(
                status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
                stream: RequestProcessor.relay(response, deadline: deadline, translation: .toResponses(fromAnthropic: false, request: body), responseGuards: guards?.response ?? []))
        }
        let answer = await send(completions.serializedBuffer(), provider: provider, suffix: "/chat/completions", anthropic: false, record: &record)
        guard answer.status / 100 == 2, answer.stream == nil, let parsed = try? JSONNode.parse(answer.body) else { return answer }
        return .json(200, CompletionsToResponsesResponse.response(parsed, request: body))
    }
}
