import NIOCore

/// A Messages route (an Anthropic client: the `anthropic` SDK, Claude Code) over an OpenAI-compatible
/// provider: the request translated to Chat Completions (`MessagesToCompletionsRequest`), the
/// answer back to Messages, buffered (`CompletionsToMessagesResponse`) or streamed event by event
/// (`CompletionsStreamTranslator`); errors in Anthropic's shape with the provider's status.
/// Response guards run on the provider's answer before it is translated (buffered) or on the
/// translated events (streamed).
extension AIExchange {
    func messagesToOpenAI(_ body: JSONNode, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse {
        /// An answer gwrun or the provider gave, in Anthropic's error shape with its status.
        func anthropicError(_ status: Int, _ body: [UInt8]) -> GatewayResponse { .json(status, CompletionsToMessagesResponse.error(status: status, body: body)) }
        let translated: JSONNode
        do {
            translated = try MessagesToCompletionsRequest.request(body, modelOverride: pinned)
        } catch {
            return anthropicError(400, Array("\(error)".utf8))
        }
        let requestBody = translated.serializedBuffer()
        guard let upstream = upstreamRequest(provider: provider, suffix: "/chat/completions", anthropic: false, accept: "application/json, text/event-stream", body: requestBody) else {
            return noEndpoint(provider)
        }
        let deadline = NIODeadline.now() + timeout
        let response: UpstreamResponse
        switch await processor.call(method: "POST", endpoint: upstream.endpoint, headers: upstream.headers, body: requestBody, deadline: deadline, retry: retry, record: &record) {
        case .failed(let answer): return anthropicError(answer.status, [UInt8](buffer: answer.body))
        case .head(let head): response = head
        }
        if response.status / 100 == 2, response.header("content-type")?.lowercased().hasPrefix("text/event-stream") == true {
            return GatewayResponse(
                status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
                stream: RequestProcessor.relay(response, deadline: deadline, translation: .completionsToMessages, responseGuards: guards?.response ?? []))
        }
        let answerBody: ByteBuffer
        switch await processor.collect(response, record: &record) {
        case .failure(let failure): return anthropicError(failure.response.status, [UInt8](buffer: failure.response.body))
        case .success(let collected): answerBody = collected
        }
        guard response.status / 100 == 2 else { return anthropicError(response.status, [UInt8](buffer: answerBody)) }
        guard let parsed = try? JSONNode.parse(answerBody) else {
            return anthropicError(502, Array("the provider's answer is not JSON".utf8))
        }
        record.model = parsed["model"]?.string ?? record.model
        record.inputTokens = parsed["usage"]?["prompt_tokens"]?.int
        record.outputTokens = parsed["usage"]?["completion_tokens"]?.int
        record.cachedTokens = parsed["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.int
        if case .refused(let refusal) = guardAnswer(parsed, record: &record) { return refusal }
        let answer = CompletionsToMessagesResponse.response(parsed)
        record.auditContent?.appendAnswer(answer)
        return .json(200, answer)
    }
}
