import Foundation
import GatewayIR
import NIOCore
import NIOHTTP1

/// One request on an AI route, as agentgateway treats an AgentgatewayBackend: the route type
/// (Completions for every path unless the backend's routes say otherwise), the request's prompt
/// guards, then each provider in failover order (`ProviderHealth`) until one answers. Per
/// provider, the route type's own operation or a translation: `+CompletionsToAnthropic`,
/// `+MessagesToOpenAI`, `+Responses`, `+Bedrock`; the call itself in `+ProviderCall`; `GET …/models` in
/// `+ModelDiscovery`.
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
        // `ai.modelAliases`: the provider is asked for the model the alias names.
        if let resolved = resolvedModel(record.requestedModel), resolved != record.requestedModel { body.set("model", resolved) }
        // What a refusal before the call is logged with: the first provider's.
        record.model = table.provider(providers.lowerBound).model ?? resolvedModel(record.requestedModel)
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
        // The backend's `ai.defaults`, `overrides` and `prompt`: the operator's text, not the client's, so after the guards.
        let edits = table.backend(backend).requestEdits
        if !edits.isEmpty { RequestEditor.apply(edits, to: body, routeType: routeType) }
        // The prompt as the provider gets it (guards and edits applied), for a route that opted in.
        if processor.recordsAuditContent, let rule, table.rule(rule).auditsContent {
            record.auditContent = AuditContent(request: body)
        }
        guard providers.count > 1 else { return await call(providers.lowerBound, body: body, routeType: routeType, record: &record) }
        // Failover (`ai.groups`): the next provider gets the request while no byte reached the client.
        let health = processor.providerHealth
        let base = "\(table.backend(backend).namespace)/\(table.backend(backend).name)#"
        let candidates = providers.map { (key: base + String($0 - providers.lowerBound), group: table.provider($0).group) }
        let order = health.order(candidates)
        for (attempt, place) in order.enumerated() {
            let provider = providers.lowerBound + place, key = candidates[place].key
            record.providerRetryAfter = nil
            health.begin(key)
            var response = await call(provider, body: body, routeType: routeType, record: &record)
            health.end(key)
            // A stream is started before the client gets it, so that one cut before its first byte fails over too.
            if let stream = response.stream, attempt + 1 < order.count {
                switch await FirstByteGate.prime(stream) {
                case .started(let started):
                    response.stream = started
                case .ended(let outcome) where outcome.failedBeforeFirstByte:
                    health.failed(key, retryAfter: nil)
                    record.verdicts.append(.init(stage: "failover", policy: providerLabel(provider), verdict: "its stream ended before its first byte (\(outcome.error ?? "cut")); the next provider is tried"))
                    record.error = nil
                    continue
                case .ended(let outcome):
                    response.stream = ResponseStream { _ in outcome }
                }
            }
            guard Self.isProviderFailure(response.status) else {
                health.succeeded(key)
                return response
            }
            health.failed(key, retryAfter: record.providerRetryAfter)
            guard attempt + 1 < order.count else { return response }
            record.verdicts.append(.init(stage: "failover", policy: providerLabel(provider), verdict: "answered \(response.status); the next provider is tried"))
            record.error = nil
        }
        return .openAIError(500, "backend has no provider")  // not reached: `order` holds every provider
    }

    /// The model a request asks for after the backend's `ai.modelAliases` (the name itself when it
    /// is no alias); a provider's pinned model still wins over it.
    func resolvedModel(_ requested: String?) -> String? {
        guard let requested else { return nil }
        return table.backend(backend).modelAliases.first { $0.alias == requested }?.model ?? requested
    }

    /// A provider failure the next provider may not share: no connection (502), a 5xx of the
    /// provider's or 429. A 504 is not: the request's deadline, shared by every attempt, passed.
    static func isProviderFailure(_ status: Int) -> Bool { status == 429 || (500...503).contains(status) }

    /// How the access and audit logs name a provider: its name in the group, else its kind and place.
    func providerLabel(_ provider: Int) -> String {
        table.provider(provider).name ?? "\(table.provider(provider).kind) #\(provider - table.backend(backend).providers.lowerBound)"
    }

    /// One provider's attempt: its own operation for the route type (the operations it serves
    /// natively are in the table: `ProviderFormats`), or the translation to one it serves.
    func call(_ provider: Int, body: JSONNode, routeType: String, record: inout AccessRecord) async -> GatewayResponse {
        let settings = table.provider(provider)
        let kind = settings.kind
        var formats = settings.formats
        // The model this provider is asked for: its pinned one, else the request's (after aliases),
        // whatever an earlier provider of a failover left in `body`.
        let pinned = settings.model ?? resolvedModel(record.requestedModel)
        record.model = pinned
        record.provider = kind
        // Vertex AI asked for one of Anthropic's models is a Messages provider (`VertexAnthropic`).
        if VertexAnthropic.serves(formats, model: pinned ?? body["model"]?.string) { formats = [.messages] }
        if formats.contains(.converse), let answer = await toConverse(body, routeType: routeType, provider: provider, pinned: pinned, record: &record) {
            return answer
        }
        if formats.contains(.generateContent), routeType == "GenerateContent" || routeType == "GeminiCountTokens" {
            return await geminiNative(body, provider: provider, pinned: pinned, record: &record)
        }
        switch routeType {
        case "Completions" where !formats.contains(.completions) && formats.contains(.messages):
            return await completionsToAnthropic(body, provider: provider, pinned: pinned, record: &record)
        case "Responses" where !formats.contains(.responses) && formats.contains(.completions):
            return await responsesToCompletions(body, provider: provider, pinned: pinned, record: &record)
        case "Responses" where !formats.contains(.responses) && formats.contains(.messages):
            return await responsesToAnthropic(body, provider: provider, pinned: pinned, record: &record)
        case "Messages" where !formats.contains(.messages) && formats.contains(.completions):
            return await messagesToOpenAI(body, provider: provider, pinned: pinned, record: &record)
        default:
            break
        }
        // Every other pair goes to the provider's own operation for that route type, or is refused:
        // never sent to another operation.
        guard let operation = Self.operation(routeType, formats) else {
            let served = Self.operations.filter { formats.contains($0.format) }.map(\.routeType)
            return .openAIError(400, "route type \(routeType) is not served for provider \(kind) (it serves \(served.joined(separator: ", ")), and gwrun translates Completions and Responses to a Messages provider, Messages and Responses to a Chat Completions one, and all three to Bedrock's Converse)")
        }
        if let pinned { body.set("model", pinned) }
        if operation == "/messages" {
            let messages = messagesRequest(body, provider: provider)
            return await send(messages.body.serializedBuffer(), provider: provider, suffix: messages.suffix, anthropic: true, record: &record)
        }
        return await send(body.serializedBuffer(), provider: provider, suffix: operation, anthropic: operation.hasPrefix("/messages"), record: &record)
    }

    /// Where a Messages request goes and what it carries: `/messages` as it is, or Vertex AI's
    /// rawPredict for an Anthropic model there.
    func messagesRequest(_ body: JSONNode, provider: Int) -> (suffix: String, body: JSONNode) {
        VertexAnthropic.request(body, formats: table.provider(provider).formats) ?? ("/messages", body)
    }

    /// The operation (under the provider's path prefix) each route type is forwarded to as it is,
    /// and the native format it needs.
    static let operations: [(routeType: String, format: ProviderFormats, path: String)] = [
        ("Completions", .completions, "/chat/completions"), ("Responses", .responses, "/responses"), ("Embeddings", .embeddings, "/embeddings"),
        ("Messages", .messages, "/messages"), ("Passthrough", .messages, "/messages"), ("AnthropicTokenCount", .anthropicTokenCount, "/messages/count_tokens"),
    ]

    static func operation(_ routeType: String, _ formats: ProviderFormats) -> String? {
        operations.first { $0.routeType == routeType && formats.contains($0.format) }?.path
    }

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
}
