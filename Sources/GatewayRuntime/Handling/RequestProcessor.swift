import Foundation
import GatewayIR
import NIOCore

/// Turns one request into one response: the table lookup `gwc route` uses, then a redirect, an
/// error, or a call to the chosen backend (translated between OpenAI and Anthropic formats where
/// the route and provider call for it). Stateless apart from the table, secrets and client.
public struct RequestProcessor: Sendable {
    /// Where each request takes its table from (reloads swap it); nil for a fixed table.
    public let state: TableState?
    public private(set) var table: RouteTable
    public private(set) var secrets: SecretStore
    /// Provider calls: the per-loop pools plain routes use too, TLS for https endpoints.
    public let client: UpstreamClient
    public private(set) var gateway: Int?
    public private(set) var names: TableNames
    public private(set) var policies: PolicyRuntime
    /// The table's upstream TLS settings, made when it was loaded.
    public private(set) var upstreamTLS: UpstreamTLSContexts
    public var upstreamTimeout: TimeAmount = .seconds(300)

    /// The upstream timeout in whole seconds (callers need not import NIO).
    public mutating func setUpstreamTimeout(seconds: Int) { upstreamTimeout = .seconds(Int64(seconds)) }
    /// How long opening an upstream connection may take (plain routes; AI routes set it on their
    /// client), apart from the request's own timeout.
    public var connectTimeout: TimeAmount = .seconds(5)
    public mutating func setConnectTimeout(seconds: Int) { connectTimeout = .seconds(Int64(seconds)) }
    public var maxResponseBytes = 64 << 20
    /// Starts each request's spans (`--otlp-endpoint`); nil: no tracing, a client's `traceparent` goes upstream as sent.
    public var tracer: RequestTracer?
    /// Failover's view of each provider (in flight, failures, backoff), shared by every connection.
    public let providerHealth = ProviderHealth()
    /// `--redis`: rate-limit buckets shared by every replica; nil: each replica's own.
    public var sharedLimits: SharedRateLimits?
    /// What identities spent of their budgets, in this process (kept across reloads).
    public var budgets = BudgetStore()
    /// An audit log is written (`--audit-log`): routes that opted in have their prompts and answers captured for it.
    public var recordsAuditContent = false

    static let anthropicVersion = "2023-06-01"

    public init(table: RouteTable, secrets: SecretStore, client: UpstreamClient, gateway: Int?) {
        self.state = nil
        self.table = table
        self.secrets = secrets
        self.client = client
        self.gateway = gateway
        self.names = TableNames(table)
        self.policies = PolicyRuntime(table: table, secrets: secrets, limits: RateLimitStore())
        // Settings that cannot be made leave their backends refusing connections (never cleartext).
        self.upstreamTLS = (try? UpstreamTLSContexts(table: table, secrets: secrets, client: client)) ?? UpstreamTLSContexts()
    }

    public init(state: TableState, client: UpstreamClient) {
        let snapshot = state.snapshot
        self.state = state
        self.table = snapshot.table
        self.secrets = snapshot.secrets
        self.client = client
        self.gateway = snapshot.gateway
        self.names = snapshot.names
        self.policies = snapshot.policies
        self.upstreamTLS = snapshot.upstreamTLS
    }

    /// What to do with a request, decided synchronously from the table (the server's hot path).
    public enum Routing: Sendable {
        /// Answer at once (404, 500, a redirect, a backend kind gwrun does not serve).
        case answer(GatewayResponse)
        /// Proxy as plain HTTP to `host:port`, with these headers; the rule's response header
        /// modifiers apply to the answer.
        case proxy(PlainProxy)
        /// An AI backend: needs the asynchronous exchange (`answerAI`).
        case ai(backend: Int, rule: Int?, headers: [(name: String, value: String)])
        /// A stage waits for an answer from elsewhere (shared rate limits): the routing, and the
        /// request's record as the stages left it, follow on the request's event loop.
        indirect case pending(EventLoopFuture<Resumed>)
    }

    public struct Resumed: Sendable {
        public var routing: Routing
        public var record: AccessRecord
    }

    public struct PlainProxy: Sendable {
        public var host: String
        public var port: Int
        /// The Host header sent: the client's, unless a URLRewrite names another.
        public var hostHeader: String
        /// Path and query sent: the request's, or what a URLRewrite made of its path.
        public var target: String
        public var headers: [(name: String, value: String)]
        public var rule: Int?
        public var timeout: TimeAmount
        /// The rule's `traffic.retry`, if any.
        var retry: RetryPolicy?
        /// TLS to the backend (a BackendTLSPolicy, `policies.tls`); nil: plain HTTP.
        var tls: UpstreamTLS?
    }

    /// This processor bound to the table current now: a request keeps it to the end, whatever
    /// reloads happen meanwhile.
    public func bound() -> RequestProcessor {
        guard let state else { return self }
        var bound = self
        let snapshot = state.snapshot
        bound.table = snapshot.table
        bound.secrets = snapshot.secrets
        bound.gateway = snapshot.gateway
        bound.names = snapshot.names
        bound.policies = snapshot.policies
        bound.upstreamTLS = snapshot.upstreamTLS
        return bound
    }

    /// The table lookup `gwc route` uses, and what follows from it: the request pipeline's stages
    /// (`RequestPipeline`). `random` picks among weighted backendRefs (the server draws it from a
    /// fast per-connection generator: the system's costs a syscall per request).
    public func route(_ request: IncomingRequest, random: UInt64 = UInt64.random(in: 0..<UInt64.max), record: inout AccessRecord) -> Routing {
        RequestPipeline.run(request, random: random, processor: self, record: &record)
    }

    /// The AI exchange for a request `route` sent to an AI backend.
    public func answerAI(_ request: IncomingRequest, backend: Int, rule: Int?, headers: [(name: String, value: String)], record: inout AccessRecord) async -> GatewayResponse {
        let exchange = AIExchange(processor: self, request: request, backend: backend, headers: headers, timeout: timeout(rule: rule, backend: backend), policies: record.policies, rule: rule)
        let response = await exchange.run(record: &record)
        return finish(response, rule: rule, record: &record)
    }

    /// The response stages (the rule's response header modifiers), and the status for the log.
    public func finish(_ response: GatewayResponse, rule: Int?, record: inout AccessRecord) -> GatewayResponse {
        var response = response
        RequestPipeline.observe(&response.headers, status: response.status, rule: rule, record: record, processor: self)
        record.status = response.status
        return response
    }

    public func hasResponseModifiers(rule: Int) -> Bool { !table.filters(ofRule: rule, kind: .responseHeaderModifier).isEmpty }

    public func applyResponseModifiers(rule: Int, to headers: inout [(name: String, value: String)]) {
        for filter in table.filters(ofRule: rule, kind: .responseHeaderModifier) { table.applyHeaderModifier(filter: filter, to: &headers) }
    }

    /// How long a request may wait on its backend: the shortest of the rule's `timeouts.request`
    /// and `timeouts.backendRequest`, the timeout policies attached to its route or Gateway, the
    /// backend's request timeout (its own, or a policy's that targets it) and --upstream-timeout.
    func timeout(rule: Int?, backend: Int?) -> TimeAmount {
        var milliseconds = upstreamTimeout.nanoseconds / 1_000_000
        func tighten(_ value: UInt32?) { if let value, value > 0 { milliseconds = min(milliseconds, Int64(value)) } }
        if let rule {
            let record = table.rule(rule)
            tighten(record.requestTimeoutMilliseconds)
            tighten(record.backendTimeoutMilliseconds)
            // Timeout policies attached to the route, its Gateway or the backends it reaches.
            for policy in record.policies { tighten(policy.timeoutMilliseconds) }
        }
        if let backend { tighten(table.backend(backend).requestTimeoutMilliseconds) }
        return .milliseconds(milliseconds)
    }
}
