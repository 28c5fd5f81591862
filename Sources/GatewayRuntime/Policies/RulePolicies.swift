/// The merged policies one rule's requests meet on one listener, ready to run: built once per
/// table (`PolicyRuntime`), shared by every request.
struct RulePolicies: Sendable {
    /// In order: every one must accept (or pass anonymously) a request.
    var authenticators: [any ClientAuthenticator] = []
    var requestLimits: [RateLimitBucket] = []
    var tokenLimits: [RateLimitBucket] = []
    /// Applied by the AI exchange, which parses the body (prompt guards act on AI routes only).
    var promptGuard: PromptGuard?
    var cors: CORSPolicy?

    var isEmpty: Bool { authenticators.isEmpty && requestLimits.isEmpty && tokenLimits.isEmpty && promptGuard == nil && cors == nil }
}
