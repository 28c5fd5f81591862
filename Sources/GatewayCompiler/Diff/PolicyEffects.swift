import GatewayIR

/// What the merged policy chain of a rule (on a listener) does to traffic, as short phrases keyed
/// by what they are about, so that `gwc diff` can say what changes for clients: "clients without an
/// API key on :8080/anthropic now get 401", "limit 100 → 10 requests per minute".
struct PolicyEffects: Equatable {
    /// Topic (`authentication: API key`, `rate limit #0`, ...) → phrase.
    var effects: [String: String] = [:]

    init(table: RouteTable, rule: Int, listener: Int?) {
        var rateLimits = 0, budgets = 0
        var shortest: UInt32?
        defer { if let shortest { effects["timeout"] = "timeout \(shortest) ms" } }
        for attached in table.policyChain(rule: rule, listener: listener) {
            let record = attached.policy
            switch record.kind {
            case .apiKeyAuthentication?, .basicAuthentication?, .jwtAuthentication?:
                let what = record.kind == .apiKeyAuthentication ? "an API key" : record.kind == .basicAuthentication ? "basic credentials" : "a valid JWT"
                let topic = "authentication: \(what)"
                switch record.mode {
                case "Optional": effects[topic] = "\(what) checked when sent (Optional)"
                case "Permissive": effects[topic] = "\(what) identifies clients, none refused (Permissive)"
                default: effects[topic] = "401 without \(what)"
                }
            case .localRateLimit?:
                let amount = record.tokensPerUnit.map { "\($0) tokens" } ?? "\(record.requestsPerUnit ?? 0) requests"
                effects["rate limit #\(rateLimits)"] = "limit \(amount) per \(Self.unit(record.unitSeconds))" + (record.burst.map { " (+\($0) burst)" } ?? "")
                rateLimits += 1
            case .budget?:
                let amount = record.budgetCountsCost ? "cost \(Budget.amountText(micros: record.budgetLimit))" : "\(record.budgetLimit) tokens"
                effects["budget #\(budgets)"] = "budget \(amount) per \(record.budgetWindow.rawValue.lowercased()) per identity"
                budgets += 1
            case .promptGuard?:
                let topic = "prompt guard \(record.guardDirection == 0 ? "request" : "response")"
                let phrase = "\(record.guardAction) \((record.guardPatterns + record.guardBuiltins).joined(separator: ", "))"
                effects[topic] = effects[topic].map { $0 + "; " + phrase } ?? "\(topic): \(phrase)"
            case .cors?: effects["cors"] = "CORS for \(record.corsOrigins.joined(separator: ", "))"
            case .retry?: effects["retry"] = "retried \(record.retryAttempts)× on \(record.retryCodes.isEmpty ? "502, 503" : record.retryCodes.joined(separator: ", "))"
            case .directResponse?: effects["direct response"] = "answered \(record.directStatus) by the gateway"
            case .timeout?:
                // Every timeout acts: the shortest is what clients see.
                shortest = min(shortest ?? .max, record.timeoutMilliseconds ?? .max)
            case .headerModifier?: effects["headers \(record.headerDirection)"] = record.headerDirection == 0 ? "request headers changed" : "answer headers changed"
            case .hostRewrite?: effects["host"] = record.rewritesHostAutomatically ? "Host rewritten to the backend's" : "client's Host kept"
            case .frontendTLS?, .networkRule?, .proxyProtocol?, .tracing?: break  // never in a rule's chain (the verifier refuses it)
            case nil: break
            }
        }
    }

    /// `limit 100 → 10 requests per minute` when only the number changed, else `old → new`.
    static func change(from old: String, to new: String) -> String {
        let before = old.split(separator: " "), after = new.split(separator: " ")
        if before.count == after.count, before.count > 2, before[0] == after[0], before[2...] == after[2...] {
            return "\(before[0]) \(before[1]) → \(after[1]) \(after[2...].joined(separator: " "))"
        }
        return "\(old) → \(new)"
    }

    static func unit(_ seconds: UInt32) -> String { seconds == 3600 ? "hour" : seconds == 60 ? "minute" : seconds == 1 ? "second" : "\(seconds) s" }

    /// The outcome's suffix: every effect, in a stable order.
    var summary: String { effects.keys.sorted().compactMap { effects[$0] }.joined(separator: "; ") }

    /// What changes for clients of `target` (`:8080/anthropic`) from `old` to `self`.
    func impact(since old: PolicyEffects, target: String) -> [String] {
        var lines: [String] = []
        for topic in Set(effects.keys).union(old.effects.keys).sorted() {
            let before = old.effects[topic], after = effects[topic]
            guard before != after else { continue }
            switch (before, after) {
            case (nil, let now?) where now.hasPrefix("401 without "):
                lines.append("clients without \(now.dropFirst("401 without ".count)) on \(target) now get 401")
            case (let was?, nil) where was.hasPrefix("401 without "):
                lines.append("clients without \(was.dropFirst("401 without ".count)) on \(target) are now served: no client authentication")
            case (let was?, let now?) where was.hasPrefix("401 without "):
                lines.append("clients without \(was.dropFirst("401 without ".count)) on \(target) are now served (\(now))")
            case (let was?, let now?) where now.hasPrefix("401 without "):
                lines.append("clients without \(now.dropFirst("401 without ".count)) on \(target) now get 401 (was: \(was))")
            case (let was?, let now?):
                lines.append("\(Self.change(from: was, to: now)) on \(target)")
            case (nil, let now?):
                lines.append("now \(now) on \(target)")
            case (let was?, nil):
                lines.append("no longer \(was) on \(target)")
            case (nil, nil):
                break
            }
        }
        return lines
    }
}
