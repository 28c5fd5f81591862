import NIOCore

/// A request as gwrun received it, body complete.
public struct IncomingRequest: Sendable {
    public var method: String
    /// Path and query as sent (`/v1/chat/completions?x=1`).
    public let target: String
    public var headers: [(name: String, value: String)]
    /// As the server read it; parsed in place, never copied into an array.
    public var body: ByteBuffer
    /// The table port of the listener that accepted it (before any --port-offset).
    public var listenerPort: Int
    /// The client's address: the socket's peer, or the one a trusted proxy's PROXY header gave.
    public var peer: String?

    public init(method: String, target: String, headers: [(name: String, value: String)], body: ByteBuffer, listenerPort: Int) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.listenerPort = listenerPort
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            // `?` is ASCII: the index splits the string on a character boundary.
            path = String(target[..<mark])
            query = String(target[target.utf8.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
    }

    /// The first value of a header; `name` in lower case.
    public func header(_ name: String) -> String? { headers.first { HeaderName.matches($0.name, name) }?.value }
    /// The target before and after its `?` (computed once: every request reads them several times).
    public let path: String
    public let query: String
}

/// gwrun's answer.
public struct GatewayResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: ByteBuffer
    /// Set for a body sent as it is produced; `body` is then unused.
    public var stream: ResponseStream?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: ByteBuffer = ByteBuffer(), stream: ResponseStream? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = stream
    }

    static func json(_ status: Int, _ node: JSONNode) -> GatewayResponse {
        GatewayResponse(status: status, headers: [("content-type", "application/json")], body: node.serializedBuffer())
    }

    static func text(_ status: Int, _ text: String) -> GatewayResponse {
        GatewayResponse(status: status, headers: [("content-type", "text/plain; charset=utf-8")], body: ByteBuffer(string: text + "\n"))
    }

    /// OpenAI's error shape, which AI clients parse.
    static func openAIError(_ status: Int, _ message: String, type: String = "invalid_request_error") -> GatewayResponse {
        let error = JSONNode.object()
        error.set("type", type)
        error.set("message", message)
        let body = JSONNode.object()
        body.set("error", error)
        return json(status, body)
    }
}

/// One access-log line's facts.
/// One policy's verdict on one request: `stage` (authentication, rate limit, prompt guard),
/// the policy (`namespace/name`) and what it decided (`accepted api-key`, `refused: no API key`,
/// `masked request`, `rejected request`).
public struct PolicyVerdictEntry: Sendable, Equatable {
    public var stage: String
    public var policy: String
    public var verdict: String
    public init(stage: String, policy: String, verdict: String) {
        self.stage = stage
        self.policy = policy
        self.verdict = verdict
    }
}

public struct AccessRecord: Sendable {
    /// The provider's `retry-after` on a 429 or 503 (seconds), for failover's backoff; not logged.
    var providerRetryAfter: Double?
    public var listener = ""
    public var route: String?
    public var rule: Int?
    public var backend: String?
    public var status = 0
    public var model: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var upstreamMilliseconds: Double?
    public var error: String?
    /// The authenticated client (`ClientIdentity.subject`) and how it authenticated.
    public var client: String?
    public var authMethod: String?
    /// Attempts a retry policy made after the first.
    public var retries = 0
    /// What a prompt guard did (`masked`, `masked answer`), for the log.
    public var guardAction: String?
    /// The request id (the client's `x-request-id` when well-formed, else one gwrun made), the
    /// Host and User-Agent the client sent.
    public var requestID = ""
    public var host: String?
    public var userAgent: String?
    /// Each policy's verdict on the request, in the order they acted (the audit record's).
    public var verdicts: [PolicyVerdictEntry] = []
    /// The model the client asked for (the provider's answer names the one used: `model`).
    public var requestedModel: String?
    public var provider: String?
    /// The GenAI operation (`chat`, `embeddings`, `text_completion`), for metrics.
    public var operation: String?
    public var cachedTokens: Int?
    /// For a streamed answer, milliseconds from the request to its first piece.
    public var firstTokenMilliseconds: Double?
    /// An AI request or a refusal by a policy: it gets an audit record.
    public var audited = false
    /// The rule's merged policies, for the AI exchange (prompt guards, retries), which runs after
    /// the pipeline's stages.
    var policies: RulePolicies?
    /// Headers request stages put on this request's answer, whoever makes it (CORS), and a
    /// policy's `headerModifiers.response` (ranges of the table's header operations).
    var answerHeaders: [(name: String, value: String)] = []
    var responseHeaderOps: [Range<Int>] = []
    /// The request's spans when it is traced (`TraceStage`), ended with the answer.
    var trace: RequestTrace?
    /// The prompt and the answer's text, for the audit record of a route that opted in
    /// (`gwc.dev/audit-content: "true"`); nil otherwise.
    var auditContent: AuditContent?
    /// The budgets an admitted request is charged to once answered (`BudgetStage`).
    var budgetCharges: [BudgetCharge] = []
    public init() {}
}
