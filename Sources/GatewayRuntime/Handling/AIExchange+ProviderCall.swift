import Foundation
import GatewayIR
import NIOCore

/// Calling one provider for an AI route: its URL and headers (the backend's credential where the
/// provider expects it), the call itself, and the response guards on a buffered answer.
extension AIExchange {
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
        .openAIError(500, table.provider(provider).credentialHeader == .awsSigV4
            ? "provider \(table.provider(provider).kind) has no AWS credentials gwrun can sign with (its Secret needs accessKey and secretKey)"
            : "provider \(table.provider(provider).kind) has no endpoint gwrun knows")
    }

    /// Headers gwrun sets itself on a provider call, never taken from the client: its credential
    /// (replaced by the backend's), the body's type and length, what gwrun can read back.
    static let providerOwnedHeaders: Set<String> = [
        "authorization", "x-api-key", "api-key", "content-type", "content-length", "accept", "accept-encoding", "anthropic-version", "host",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "x-goog-api-key",
    ]

    /// The provider's URL and headers: the client's (`anthropic-beta`, `user-agent`, those the
    /// rule's modifiers set), then the backend's credential in the header the provider reads it
    /// from (`CredentialHeader`) or its SigV4 signature over `body`, and `anthropic-version` on a
    /// Messages operation. nil: no endpoint, or AWS credentials without their keys.
    func upstreamRequest(provider: Int, suffix: String, anthropic: Bool, accept: String, body: ByteBuffer, googleKey: Bool = false) -> (endpoint: ProviderEndpoint, headers: [(name: String, value: String)])? {
        guard let endpoint = ProviderEndpoint.resolve(table: table, provider: provider, suffix: suffix, tls: processor.upstreamTLS) else { return nil }
        var upstreamHeaders: [(name: String, value: String)] = [("content-type", "application/json"), ("accept", accept)]
        for header in headers where !Self.providerOwnedHeaders.contains(header.name.lowercased()) && !HeaderName.hasLineBreak(header.value) {
            upstreamHeaders.append(header)
        }
        let style = table.provider(provider).credentialHeader
        if style == .awsSigV4 {
            guard let signature = awsSignature(provider: provider, endpoint: endpoint, body: body) else { return nil }
            return (endpoint, upstreamHeaders + signature)
        }
        var credential: String?
        if let secret = table.provider(provider).secretRef {
            credential = processor.secrets.credential(for: SecretStore.Reference(namespace: secret.namespace, name: secret.name, key: secret.key))
        } else if table.provider(provider).authMode == .passthrough {
            credential = request.header("authorization").map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : $0 } ?? request.header("x-api-key")
        }
        if let credential, googleKey {
            // Gemini's native API reads its key from x-goog-api-key.
            upstreamHeaders.append(("x-goog-api-key", credential))
        } else if let credential {
            switch style {
            case .anthropic: upstreamHeaders.append(("x-api-key", credential))
            case .azureKey: upstreamHeaders.append(("api-key", credential))
            case .bearer: upstreamHeaders.append(("authorization", "Bearer \(credential)"))
            case .awsSigV4: break  // signed above
            }
        }
        if anthropic || style == .anthropic { upstreamHeaders.append(("anthropic-version", RequestProcessor.anthropicVersion)) }
        return (endpoint, upstreamHeaders)
    }

    /// The SigV4 headers for this request, from the whole Secret the provider's credential names
    /// (`accessKey`, `secretKey`, `sessionToken`), for the region and service in the table.
    private func awsSignature(provider: Int, endpoint: ProviderEndpoint, body: ByteBuffer) -> [(name: String, value: String)]? {
        let record = table.provider(provider)
        guard let secret = record.secretRef, let region = record.signingRegion, let service = record.signingService,
            let credentials = AWSSigV4.Credentials(entries: processor.secrets.entries(of: SecretStore.Reference(namespace: secret.namespace, name: secret.name, key: "")))
        else { return nil }
        return body.withUnsafeReadableBytes { bytes in
            AWSSigV4.signingHeaders(
                method: "POST", host: endpoint.hostHeader, target: endpoint.path, contentType: "application/json", body: bytes, credentials: credentials,
                scope: AWSSigV4.Scope(region: region, service: service), date: Date())
        }
    }

    /// Calls the provider with the backend's credential; an event stream it answers with is relayed as it arrives.
    func send(_ body: ByteBuffer, provider: Int, suffix: String, anthropic: Bool, record: inout AccessRecord, translateErrors: Bool = false, googleKey: Bool = false) async -> GatewayResponse {
        guard let upstream = upstreamRequest(provider: provider, suffix: suffix, anthropic: anthropic, accept: "application/json, text/event-stream", body: body, googleKey: googleKey) else {
            return noEndpoint(provider)
        }
        var response = await processor.proxy(
            method: "POST", endpoint: upstream.endpoint, headers: upstream.headers, body: body, timeout: timeout, anthropicUsage: anthropic,
            responseGuards: translateErrors ? [] : guards?.response ?? [], guardFormat: googleKey ? .gemini : nil, retry: retry, record: &record)
        // A passed-through answer is parsed once more, for its usage (a translated one is read by the caller).
        if !translateErrors, response.stream == nil, response.status / 100 == 2, let parsed = try? JSONNode.parse(response.body) {
            if let gemini = parsed["usageMetadata"] {
                (record.inputTokens, record.outputTokens, record.cachedTokens) = CompletionsUsageReader.geminiUsage(gemini)
            } else {
                let usage = parsed["usage"]
                record.inputTokens = usage?[anthropic ? "input_tokens" : "prompt_tokens"]?.int
                record.outputTokens = usage?[anthropic ? "output_tokens" : "completion_tokens"]?.int
                record.cachedTokens = anthropic ? usage?["cache_read_input_tokens"]?.int : usage?["prompt_tokens_details"]?["cached_tokens"]?.int
            }
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
