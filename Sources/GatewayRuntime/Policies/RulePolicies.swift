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
    /// `traffic.headerModifiers` (ranges of the table's header operations).
    var requestHeaderOps: [Range<Int>] = []
    var responseHeaderOps: [Range<Int>] = []
    var directResponse: GatewayResponse?
    /// `traffic.hostRewrite`: true Auto, false None, nil the default (Auto for a static backend named by host name).
    var hostRewriteAuto: Bool?
    var retry: RetryPolicy?

    var isEmpty: Bool { authenticators.isEmpty && requestLimits.isEmpty && tokenLimits.isEmpty && promptGuard == nil && cors == nil
        && requestHeaderOps.isEmpty && responseHeaderOps.isEmpty && directResponse == nil && hostRewriteAuto == nil && retry == nil }
}
