import Foundation
import GatewayIR

/// What `gwc route` says each policy of a request's chain does with it: the chain is the one
/// gwrun enforces (`RouteTable.policyChain`), in evaluation order; a verdict is decided from the
/// request alone. gwc holds no Secret values, so a presented key or password is reported as
/// checked by gwrun, never as accepted.
public struct PolicyVerdict: Sendable, Equatable {
    /// `authentication`, `rate limit`, `timeout`, ...
    public var stage: String
    public var policy: String
    /// Where it is attached (`HTTPRoute`, `Gateway`, `listener`, `rule`, `backend`).
    public var attachedAt: String
    public var setting: String
    public var verdict: String
    /// The status gwrun answers with itself when the policy decides this request for sure (a 401, a preflight's 204).
    public var answeredWith: Int?

    var json: JSONValue {
        .object([
            "stage": .string(stage), "policy": .string(policy), "attachedAt": .string(attachedAt), "setting": .string(setting), "verdict": .string(verdict),
        ])
    }

    static func chain(_ table: RouteTable, rule: Int, listener: Int, request: RouteRequest) -> [PolicyVerdict] {
        table.policyChain(rule: rule, listener: listener).map { attached in
            let record = attached.policy
            var verdict = PolicyVerdict(
                stage: "", policy: record.name, attachedAt: attached.level.name, setting: TableInspector.describePolicy(table, record.index), verdict: "", answeredWith: nil)
            switch record.kind {
            case .apiKeyAuthentication?, .basicAuthentication?, .jwtAuthentication?:
                verdict.stage = "authentication"
                authenticate(record, request: request, into: &verdict)
            case .localRateLimit?:
                verdict.stage = "rate limit"
                verdict.verdict = record.tokensPerUnit != nil
                    ? "admitted while the budget has tokens left; charged the answer's tokens (429 once spent)"
                    : "takes one of \(record.requestsPerUnit.map(String.init) ?? "?") per \(record.unitSeconds) s\(record.burst.map { " (+\($0) burst)" } ?? ""); the request after the last gets 429"
            case .budget?:
                verdict.stage = "budget"
                verdict.verdict = "admitted while the identity's \(record.budgetWindow.rawValue.lowercased()) has room; charged the answer's \(record.budgetCountsCost ? "cost" : "tokens") (429 once spent, until the window ends)"
            case .timeout?:
                verdict.stage = "timeout"
                verdict.verdict = "the upstream answer must end within \(record.timeoutMilliseconds ?? 0) ms, else 504 (the shortest timeout acts)"
            case .promptGuard?:
                verdict.stage = "prompt guard"
                let rejects = record.guardAction == "Reject"
                let on = record.guardDirection == 0 ? "the request's message text, before the provider is called" : "the answer's text, buffered or streamed"
                verdict.verdict = "checks \(on): a match " + (rejects ? "is refused with \(record.guardRejectStatus)" : "is masked") + " (AI routes only)"
            case .cors?:
                verdict.stage = "cors"
                let origin = request.headers.first { $0.name.lowercased() == "origin" }?.value
                let preflight = request.method == "OPTIONS" && request.headers.contains { $0.name.lowercased() == "access-control-request-method" }
                let allowed = origin.map { CORSOrigins(record.corsOrigins).allows($0) }
                switch (origin, preflight) {
                case (nil, _): verdict.verdict = "no Origin header: not a cross-origin request, no CORS headers"
                case (_, true): verdict.verdict = allowed == true ? "preflight answered by the gateway: 204 with the allowed methods and headers" : "preflight answered 204 without CORS headers: the browser refuses the origin"
                case (_, false): verdict.verdict = allowed == true ? "the answer gets access-control-allow-origin" : "the origin is not allowed: the answer has no CORS headers (the browser blocks it)"
                }
                if preflight { verdict.answeredWith = 204 }
            case .directResponse?:
                verdict.stage = "direct response"
                verdict.verdict = "answered by the gateway with \(record.directStatus); the backend is not called"
                verdict.answeredWith = record.directStatus
            case .headerModifier?:
                verdict.stage = "headers"
                verdict.verdict = record.headerDirection == 0 ? "the upstream request's headers are changed" : "the answer's headers are changed"
            case .hostRewrite?:
                verdict.stage = "host"
                verdict.verdict = record.rewritesHostAutomatically ? "the upstream request's Host is the backend's" : "the client's Host goes upstream"
            case .retry?, nil, .frontendTLS?, .networkRule?, .proxyProtocol?, .tracing?:
                verdict.stage = record.kind.map { RouteTable.policyField($0) } ?? "unknown"
                verdict.verdict = "not enforced by gwrun yet (gwc lint: GW420): no effect"
            }
            return verdict
        }
    }

    private static func authenticate(_ record: RouteTable.PolicyRecord, request: RouteRequest, into verdict: inout PolicyVerdict) {
        let reader = CredentialReader(record)
        let what = record.kind == .basicAuthentication ? "basic credentials" : record.kind == .jwtAuthentication ? "bearer token" : "API key"
        let mode = record.mode
        guard let credential = reader.read(headers: request.headers, queryItems: request.query) else {
            if mode == "Optional" || mode == "Permissive" {
                verdict.verdict = "passes without a client identity (no \(what) in the \(reader.description); mode \(mode))"
            } else {
                verdict.verdict = "401: no \(what) (read from the \(reader.description))"
                verdict.answeredWith = 401
            }
            return
        }
        if record.kind == .jwtAuthentication {
            verdict.verdict = "bearer token presented: gwrun verifies its signature with the provider's keys and its exp, nbf, iss and aud claims; "
                + (mode == "Permissive" ? "passes either way (Permissive)" : "401 if any check fails")
            return
        }
        var who = ""
        if record.kind == .basicAuthentication, let data = Data(base64Encoded: credential), let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
            who = " for user \(pair[..<colon])"
        }
        let against = record.secretRefs.map { ref in "Secret \(record.table.secretRef(ref).namespace)/\(record.table.secretRef(ref).name)" }
            + (record.kind == .basicAuthentication && !record.users.isEmpty ? ["the inline users"] : [])
        verdict.verdict = "\(what) presented\(who): gwrun checks it against \(against.isEmpty ? "nothing (no Secret resolved: every request is refused)" : against.joined(separator: ", ")); "
            + (mode == "Permissive" ? "passes either way (Permissive)" : "401 if it does not match")
    }
}
