import GatewayIR

/// What the pipeline knows of one request as its stages run: the request, where the table sent
/// it, the headers that go upstream, and the access record that logs it.
struct RequestContext {
    var request: IncomingRequest
    var record = AccessRecord()
    /// Draws the weighted backend choice (the connection's fast generator).
    var random: UInt64
    /// The table's decision (set by `RouteStage`).
    var decision: RouteDecision?
    /// The chosen backendRef and its backend (set by `RouteStage` when the rule forwards).
    var backendRef: Int?
    var backend: Int?
    /// The client's headers as they go upstream (hop-by-hop ones removed, modifiers applied).
    var headers: [(name: String, value: String)] = []
    /// Path and query sent upstream, and the Host (nil: the client's), after a URLRewrite.
    var target: String
    var hostRewrite: String?
    /// The rule's merged policies on this listener (set by `RouteStage`), and who the client is
    /// once an authentication stage accepted it.
    var policies: RulePolicies?
    var identity: ClientIdentity?
    /// Headers that carried a client credential: they do not go upstream.
    var credentialHeaders: [String] = []
    /// gwrun made the request id (the client sent none, or a malformed one): it replaces the client's upstream.
    var requestIDGenerated = false

    init(request: IncomingRequest, random: UInt64) {
        self.request = request
        self.random = random
        target = request.target
    }

    /// The matched rule (record index), when a rule matched.
    var rule: Int? { decision?.match?.rule }
    /// The matched listener (record index).
    var listener: Int? { decision?.match?.listener }
}
