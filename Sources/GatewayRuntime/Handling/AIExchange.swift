import Foundation
import GatewayIR
import NIOCore
import NIOHTTP1

/// One request on an AI route, as agentgateway treats an AgentgatewayBackend: the route type
/// (Completions for every path unless the backend's routes say otherwise), models listing for
/// model discovery, OpenAI-to-Anthropic translation, auth headers where the provider wants them.
struct AIExchange {
    let processor: RequestProcessor
    let request: IncomingRequest
    let backend: Int
    /// The client's headers, hop-by-hop ones removed and the rule's request header modifiers applied.
    let headers: [(name: String, value: String)]
    /// How long the provider may take (route and backend timeouts, else --upstream-timeout).
    let timeout: TimeAmount
    /// The rule's policies: its prompt guards (request rules run on the body here, response rules
    /// on the answer) and its `traffic.retry` (provider answers it retries are dropped unsent).
    var policies: RulePolicies?
    /// The matched rule (its table record), whose route may have opted into prompts in the audit log.
    var rule: Int?
    var guards: PromptGuard? { policies?.promptGuard }
    var retry: RetryPolicy? { policies?.retry }

    var table: RouteTable { processor.table }

    func run(record: inout AccessRecord) async -> GatewayResponse {
        let providers = table.backend(backend).providers
        guard !providers.isEmpty else { return .openAIError(500, "backend has no provider") }
        if let listing = modelDiscovery() { return listing }
        guard request.method == "POST" else { return .openAIError(404, "no such endpoint on an AI route: \(request.method) \(request.path)", type: "not_found_error") }
        let routeType = self.routeType()
        let body: JSONNode
        do {
            body = try JSONNode.parse(request.body)
        } catch {
            return .openAIError(400, "failed to process LLM request: \(error)")
        }
        record.requestedModel = body["model"]?.string
        // What a refusal before the call is logged with: the first provider's.
        record.model = table.provider(providers.lowerBound).model ?? record.requestedModel
        record.provider = table.provider(providers.lowerBound).kind
        record.operation = ["Embeddings": "embeddings", "Completions": "chat", "Messages": "chat", "Responses": "chat"][routeType] ?? routeType.lowercased()
        if let rules = guards?.request, !rules.isEmpty {
            switch PromptGuard.apply(rules, to: body) {
            case .rejected(let rule):
                record.error = "prompt guard rejected the request"
                record.verdicts.append(.init(stage: "prompt guard", policy: rule.policy, verdict: "rejected request (\(rule.summary))"))
                return PromptGuard.refusal(rule)
            case .masked(let rules):
                record.guardAction = "masked request"
                for rule in rules { record.verdicts.append(.init(stage: "prompt guard", policy: rule.policy, verdict: "masked request (\(rule.summary))")) }
            case .pass: break
            }
        }
        // The prompt as the provider gets it (guards applied), for a route that opted in.
        if processor.recordsAuditContent, let rule, table.rule(rule).auditsContent {
            record.auditContent = AuditContent(request: body)
        }
        guard providers.count > 1 else { return await call(providers.lowerBound, body: body, routeType: routeType, record: &record) }
        // Failover (`ai.groups`): the next provider gets the request while no byte reached the client.
        let health = processor.providerHealth
        let base = "\(table.backend(backend).namespace)/\(table.backend(backend).name)#"
        let order = health.order(providers.map { (key: base + String($0 - providers.lowerBound), group: table.provider($0).group) })
        for (attempt, key) in order.enumerated() {
            guard let place = Int(key.dropFirst(base.count)) else { continue }
            let provider = providers.lowerBound + place
            record.providerRetryAfter = nil
            health.begin(key)
            let response = await call(provider, body: body, routeType: routeType, record: &record)
            health.end(key)
            guard Self.isProviderFailure(response.status) else {
                health.succeeded(key)
                return response
            }
            health.failed(key, retryAfter: record.providerRetryAfter)
            guard attempt + 1 < order.count else { return response }
            record.verdicts.append(.init(stage: "failover", policy: providerLabel(provider), verdict: "answered \(response.status); the next provider is tried"))
            record.error = nil
        }
        return .openAIError(500, "backend has no provider")
    }

    /// A provider failure the next provider may not share: no connection (502), a 5xx of the
    /// provider's or 429. A 504 is not: the request's deadline, shared by every attempt, passed.
    static func isProviderFailure(_ status: Int) -> Bool { status == 429 || (500...503).contains(status) }

    /// How the access and audit logs name a provider: its name in the group, else its kind and place.
    func providerLabel(_ provider: Int) -> String {
        table.provider(provider).name ?? "\(table.provider(provider).kind) #\(provider - table.backend(backend).providers.lowerBound)"
    }

    /// One provider's attempt: its own operation for the route type, or the translation to it.
    func call(_ provider: Int, body: JSONNode, routeType: String, record: inout AccessRecord) async -> GatewayResponse {
        let kind = table.provider(provider).kind
        let pinned = table.provider(provider).model
        record.model = pinned ?? body["model"]?.string
        record.provider = kind
        if kind == "anthropic", routeType == "Completions" {
            return await completionsToAnthropic(body, provider: provider, pinned: pinned, record: &record)
        }
        if kind == "anthropic", routeType == "Responses" {
            return await responsesToAnthropic(body, provider: provider, pinned: pinned, record: &record)
        }
        if kind == "openai", routeType == "Messages" {
            return await messagesToOpenAI(body, provider: provider, pinned: pinned, record: &record)
        }
        // Every other pair goes to the provider's own operation for that route type, or is refused:
        // never sent to another operation.
        guard let operation = Self.operations[kind]?[routeType] else {
            return .openAIError(400, "route type \(routeType) is not served for provider \(kind) (gwrun forwards \((Self.operations[kind]?.keys.sorted() ?? []).joined(separator: ", ")) and translates Completions and Responses to anthropic and Messages to openai)")
        }
        if let pinned { body.set("model", pinned) } else if let requested = record.requestedModel { body.set("model", requested) }
        return await send(body.serializedBuffer(), provider: provider, suffix: operation, anthropic: kind == "anthropic", record: &record)
    }

    /// The provider operation (under its version prefix) each route type is forwarded to as it is.
    static let operations: [String: [String: String]] = [
        "anthropic": ["Messages": "/messages", "Passthrough": "/messages", "AnthropicTokenCount": "/messages/count_tokens"],
        "openai": ["Completions": "/chat/completions", "Responses": "/responses", "Embeddings": "/embeddings"],
    ]

    /// agentgateway's resolution: longest matching path suffix, `*` last, Completions by default.
    func routeType() -> String {
        var best: (length: Int, type: String)?
        var wildcard: String?
        for index in table.backend(backend).routeTypes {
            let suffix = table.routeType(index).suffix, type = table.routeType(index).type
            if suffix == "*" { wildcard = type } else if request.path.hasSuffix(suffix), suffix.count > (best?.length ?? -1) { best = (suffix.count, type) }
        }
        return best?.type ?? wildcard ?? "Completions"
    }

    /// `GET …/models` answers with every model this route reaches (each provider's pinned one), in
    /// the client's shape (Anthropic's list for the anthropic SDK, OpenAI's otherwise), so agents
    /// can discover them; the other probes Hermes sends (`…/models/<id>`, `…/api/show`) get a fast
    /// answer, never a hang.
    func modelDiscovery() -> GatewayResponse? {
        let path = request.path
        guard request.method == "GET" || path.hasSuffix("/api/show") else { return nil }
        // Every model the route reaches: each provider's pinned model, in the backend's order.
        var models: [(id: String, kind: String)] = []
        for provider in table.backend(backend).providers {
            if let pinned = table.provider(provider).model, !models.contains(where: { $0.id == pinned }) { models.append((pinned, table.provider(provider).kind)) }
        }
        // The anthropic SDK (it always sends `anthropic-version`) reads Anthropic's list shape.
        let anthropicClient = request.header("anthropic-version") != nil
        func entry(_ model: (id: String, kind: String)) -> JSONNode {
            let node = JSONNode.object()
            node.set("id", model.id)
            if anthropicClient {
                node.set("type", "model")
                node.set("display_name", model.id)
                node.set("created_at", "1970-01-01T00:00:00Z")
            } else {
                node.set("object", "model")
                node.set("created", 0)
                node.set("owned_by", model.kind)
            }
            return node
        }
        if path.hasSuffix("/models") {
            let list = JSONNode.object(), data = JSONNode.array()
            for model in models { data.append(entry(model)) }
            list.set("data", data)
            if anthropicClient {
                list.set("has_more", .bool(false))
                list.set("first_id", models.first.map { JSONNode.string($0.id) } ?? .null())
                list.set("last_id", models.last.map { JSONNode.string($0.id) } ?? .null())
            } else {
                list.set("object", "list")
            }
            return .json(200, list)
        }
        if let range = path.range(of: "/models/"), let found = models.first(where: { $0.id == String(path[range.upperBound...]) }) { return .json(200, entry(found)) }
        if anthropicClient { return .json(404, CompletionsToMessagesResponse.error(status: 404, body: Array("no such endpoint on an AI route: \(request.method) \(path)".utf8))) }
        return .openAIError(404, "no such endpoint on an AI route: \(request.method) \(path)", type: "not_found_error")
    }


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
        let upstream = await send(translated.serializedBuffer(), provider: provider, suffix: "/messages", anthropic: true, record: &record, translateErrors: true)
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
        guard let request = upstreamRequest(provider: provider, suffix: "/messages", anthropic: true, accept: "text/event-stream") else {
            return noEndpoint(provider)
        }
        let deadline = NIODeadline.now() + timeout
        let response: UpstreamResponse
        switch await processor.call(method: "POST", endpoint: request.endpoint, headers: request.headers, body: translated.serializedBuffer(), deadline: deadline, retry: retry, record: &record) {
        case .failed(let answer): return answer
        case .head(let head): response = head
        }
        guard response.status / 100 == 2 else {
            switch await processor.collect(response, deadline: deadline, record: &record) {
            case .failure(let failure): return failure.response
            case .success(let body): return .json(response.status, MessagesToCompletions.error(body: body))
            }
        }
        return GatewayResponse(
            status: 200, headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")],
            stream: RequestProcessor.relay(response, deadline: deadline, translation: translation, responseGuards: guards?.response ?? []))
    }

    enum GuardedAnswer { case unchanged, masked, refused(GatewayResponse) }

    /// Response guards on a buffered answer, in place.
    func guardAnswer(_ answer: JSONNode, record: inout AccessRecord) -> GuardedAnswer {
        guard let rules = guards?.response, !rules.isEmpty else { return .unchanged }
        switch PromptGuard.apply(rules, to: answer) {
        case .rejected(let rule):
            record.error = "prompt guard rejected the answer"
            record.verdicts.append(.init(stage: "prompt guard", policy: rule.policy, verdict: "rejected answer (\(rule.summary))"))
            return .refused(PromptGuard.refusal(rule))
        case .masked(let rules):
            record.guardAction = record.guardAction == nil ? "masked answer" : "masked request and answer"
            for rule in rules { record.verdicts.append(.init(stage: "prompt guard", policy: rule.policy, verdict: "masked answer (\(rule.summary))")) }
            return .masked
        case .pass:
            return .unchanged
        }
    }

    func noEndpoint(_ provider: Int) -> GatewayResponse {
        .openAIError(500, "provider \(table.provider(provider).kind) has no endpoint gwrun knows")
    }

    /// Headers gwrun sets itself on a provider call, never taken from the client: its credential
    /// (replaced by the backend's), the body's type and length, what gwrun can read back.
    static let providerOwnedHeaders: Set<String> = ["authorization", "x-api-key", "content-type", "content-length", "accept", "accept-encoding", "anthropic-version", "host"]

    /// The provider's URL and headers: the client's (`anthropic-beta`, `user-agent`, those the
    /// rule's modifiers set), then the backend's credential where the provider expects it.
    func upstreamRequest(provider: Int, suffix: String, anthropic: Bool, accept: String) -> (endpoint: ProviderEndpoint, headers: [(name: String, value: String)])? {
        guard let endpoint = ProviderEndpoint.resolve(table: table, provider: provider, suffix: suffix) else { return nil }
        var upstreamHeaders: [(name: String, value: String)] = [("content-type", "application/json"), ("accept", accept)]
        for header in headers where !Self.providerOwnedHeaders.contains(header.name.lowercased()) && !HeaderName.hasLineBreak(header.value) {
            upstreamHeaders.append(header)
        }
        var credential: String?
        if let secret = table.provider(provider).secretRef {
            credential = processor.secrets.credential(for: SecretStore.Reference(namespace: secret.namespace, name: secret.name, key: secret.key))
        } else if table.provider(provider).authMode == .passthrough {
            credential = request.header("authorization").map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : $0 } ?? request.header("x-api-key")
        }
        if anthropic {
            if let credential { upstreamHeaders.append(("x-api-key", credential)) }
            upstreamHeaders.append(("anthropic-version", RequestProcessor.anthropicVersion))
        } else if let credential {
            upstreamHeaders.append(("authorization", "Bearer \(credential)"))
        }
        return (endpoint, upstreamHeaders)
    }

    /// Calls the provider with the backend's credential; an event stream it answers with is relayed as it arrives.
    private func send(_ body: ByteBuffer, provider: Int, suffix: String, anthropic: Bool, record: inout AccessRecord, translateErrors: Bool = false) async -> GatewayResponse {
        guard let upstream = upstreamRequest(provider: provider, suffix: suffix, anthropic: anthropic, accept: "application/json, text/event-stream") else {
            return noEndpoint(provider)
        }
        var response = await processor.proxy(
            method: "POST", endpoint: upstream.endpoint, headers: upstream.headers, body: body, timeout: timeout, anthropicUsage: anthropic,
            responseGuards: translateErrors ? [] : guards?.response ?? [], retry: retry, record: &record)
        // A passed-through answer is parsed once more, for its usage (a translated one is read by the caller).
        if !translateErrors, response.stream == nil, response.status / 100 == 2, let parsed = try? JSONNode.parse(response.body) {
            let usage = parsed["usage"]
            record.inputTokens = usage?[anthropic ? "input_tokens" : "prompt_tokens"]?.int
            record.outputTokens = usage?[anthropic ? "output_tokens" : "completion_tokens"]?.int
            record.cachedTokens = anthropic ? usage?["cache_read_input_tokens"]?.int : usage?["prompt_tokens_details"]?["cached_tokens"]?.int
            switch guardAnswer(parsed, record: &record) {
            case .refused(let refusal): return refusal
            case .masked:
                response.body = parsed.serializedBuffer()
                response.headers.removeAll { $0.name.lowercased() == "content-length" }
            case .unchanged: break
            }
            record.auditContent?.appendAnswer(parsed)
        }
        if translateErrors, response.status / 100 != 2, response.status != 502, response.status != 504 {
            response = .json(response.status, MessagesToCompletions.error(body: response.body))
        }
        return response
    }
}
