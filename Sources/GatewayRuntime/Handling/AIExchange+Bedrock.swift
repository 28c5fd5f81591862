import GatewayIR
import NIOCore

/// Every client format over Bedrock: the request as Anthropic Messages (a Chat Completions or
/// Responses request translated first, as for an Anthropic provider), then Converse
/// (`MessagesToConverse`), signed with SigV4 (`upstreamRequest`), to
/// `/model/{model}/converse` or `/converse-stream`. The answer comes back as Messages
/// (`ConverseToMessages`, or `ConverseStreamTranslator` event by event) and on to the client's
/// format. Bedrock's errors reach the client in its own error shape with Bedrock's status.
extension AIExchange {
    /// The client's format, which decides what the Messages answer becomes.
    enum ConverseClient {
        case messages
        case completions
        /// The Responses request, echoed in the answer.
        case responses(JSONNode)
    }

    /// `body` is a Messages request; `pinned` the provider's model (or the request's, after aliases).
    func converse(_ body: JSONNode, provider: Int, pinned: String?, client: ConverseClient, record: inout AccessRecord) async -> GatewayResponse {
        func clientError(_ status: Int, _ bytes: [UInt8]) -> GatewayResponse {
            let anthropic = ConverseToMessages.error(body: bytes, status: status)
            if case .messages = client { return .json(status, anthropic) }
            return .json(status, MessagesToCompletions.error(body: anthropic.serialized()))
        }
        guard let model = pinned ?? body["model"]?.string, !model.isEmpty else { return clientError(400, Array("missing field: model not specified".utf8)) }
        let request: JSONNode
        do {
            request = try MessagesToConverse.request(body, caching: table.backend(backend).promptCaching)
        } catch {
            return clientError(400, Array("\(error)".utf8))
        }
        let streaming = body["stream"]?.bool == true
        // The model id is one path segment: an ARN's `:` and `/` are encoded.
        let suffix = "/model/\(AWSSigV4.encode(model[...], keepSlash: false))/\(streaming ? "converse-stream" : "converse")"
        let requestBody = request.serializedBuffer()
        guard let upstream = upstreamRequest(provider: provider, suffix: suffix, anthropic: false, accept: streaming ? "application/vnd.amazon.eventstream" : "application/json", body: requestBody) else {
            return noEndpoint(provider)
        }
        let deadline = NIODeadline.now() + timeout
        let response: UpstreamResponse
        switch await processor.call(method: "POST", endpoint: upstream.endpoint, headers: upstream.headers, body: requestBody, deadline: deadline, retry: retry, record: &record) {
        case .failed(let answer): return clientError(answer.status, [UInt8](buffer: answer.body))
        case .head(let head): response = head
        }
        if streaming, response.status / 100 == 2 {
            let then: StreamTranslation? = switch client {
            case .messages: nil
            case .completions: .messagesToCompletions
            case .responses(let original): .toResponses(fromAnthropic: true, request: original)
            }
            return GatewayResponse(
                status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
                stream: RequestProcessor.relay(response, deadline: deadline, translation: .fromConverse(model: model, then: then), responseGuards: guards?.response ?? []))
        }
        let collected: ByteBuffer
        switch await processor.collect(response, record: &record) {
        case .failure(let failure): return clientError(failure.response.status, [UInt8](buffer: failure.response.body))
        case .success(let bytes): collected = bytes
        }
        guard response.status / 100 == 2 else { return clientError(response.status, [UInt8](buffer: collected)) }
        guard let parsed = try? JSONNode.parse(collected) else { return clientError(502, Array("the provider's answer is not JSON".utf8)) }
        let answer = ConverseToMessages.response(parsed, model: model, id: response.header("x-amzn-requestid"))
        record.inputTokens = answer["usage"]?["input_tokens"]?.int
        record.outputTokens = answer["usage"]?["output_tokens"]?.int
        record.cachedTokens = answer["usage"]?["cache_read_input_tokens"]?.int
        if case .refused(let refusal) = guardAnswer(answer, record: &record) { return refusal }
        record.auditContent?.appendAnswer(answer)
        switch client {
        case .messages: return .json(200, answer)
        case .completions: return .json(200, MessagesToCompletions.response(answer))
        case .responses(let original): return .json(200, CompletionsToResponsesResponse.response(MessagesToCompletions.response(answer), request: original))
        }
    }

    /// A Chat Completions, Messages or Responses request to a Converse provider, as Messages.
    func toConverse(_ body: JSONNode, routeType: String, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse? {
        do {
            switch routeType {
            case "Messages":
                return await converse(body, provider: provider, pinned: pinned, client: .messages, record: &record)
            case "Completions":
                let messages = try CompletionsToMessages.request(body, modelOverride: pinned)
                return await converse(messages, provider: provider, pinned: pinned, client: .completions, record: &record)
            case "Responses":
                let completions = try ResponsesToCompletionsRequest.request(body, modelOverride: pinned)
                let messages = try CompletionsToMessages.request(completions, modelOverride: pinned)
                return await converse(messages, provider: provider, pinned: pinned, client: .responses(body), record: &record)
            default:
                return nil
            }
        } catch let error as TranslationError {
            return .openAIError(400, error.description)
        } catch {
            return .openAIError(400, "failed to process LLM request")
        }
    }
}
