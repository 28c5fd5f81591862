import GatewayIR

/// Client authentication: each authentication policy of the rule (API key, basic) in turn must
/// accept the request or let it pass anonymously (its `mode`); the first refusal answers 401
/// with `WWW-Authenticate`, in OpenAI's error shape on AI routes. The answer names what was
/// wrong ("no API key", "invalid API key"), never the credential. The client's identity goes
/// into the context (for later stages) and the access record.
struct AuthenticationStage: RequestStage {
    var name: String { "authentication" }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let authenticators = context.policies?.authenticators, !authenticators.isEmpty else { return .next }
        for authenticator in authenticators {
            if let header = authenticator.credentialHeader { context.credentialHeaders.append(header) }
            switch authenticator.authenticate(context.request) {
            case .authenticated(let identity):
                context.identity = identity
                context.record.client = identity.subject
                context.record.authMethod = identity.method.rawValue
                context.record.verdicts.append(.init(stage: "authentication", policy: authenticator.policy, verdict: "accepted \(identity.method.rawValue)"))
            case .anonymous:
                context.record.verdicts.append(.init(stage: "authentication", policy: authenticator.policy, verdict: "anonymous"))
                continue
            case .refused(let reason):
                context.record.error = "authentication: \(reason) (policy \(authenticator.policy))"
                context.record.verdicts.append(.init(stage: "authentication", policy: authenticator.policy, verdict: "refused: \(reason)"))
                context.record.audited = true
                let message = "\(reason): this route requires client authentication"
                var response = PolicyAnswer.refusal(401, message, type: "invalid_request_error", code: "invalid_api_key", context: context, processor: processor)
                response.headers.append(("www-authenticate", authenticator.challenge))
                return .answer(response)
            }
        }
        return .next
    }
}
