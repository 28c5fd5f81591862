import Foundation
import GatewayIR

/// What `gwc route` reports for one request: the decision, where it came from, and why the
/// winning match beat the others that also matched.
public struct RouteExplanation: Sendable {
    public struct Backend: Sendable {
        public var group: String
        public var kind: String
        public var namespace: String
        public var name: String
        public var weight: Int
        public var port: Int?
        public var valid: Bool
        public var problem: String?
        public var provider: String?
        public var model: String?
        /// With several providers: each in the order failover tries them (priority group, then
        /// place; within a group gwrun picks by load at run time), as `group: name (kind model)`.
        public var failover: [String] = []
        /// How gwrun reaches it over TLS (`UpstreamTLSDescription`); nil: plain HTTP.
        public var tls: String?
    }

    public struct Competitor: Sendable {
        public var route: String
        public var rule: Int
        public var match: Int
        public var reason: String
    }

    public var status: Int
    public var gateway: String?
    public var listener: String?
    public var routeNamespace: String?
    public var routeName: String?
    public var rule: Int?
    public var match: Int?
    public var matchDescription: String?
    public var hostname: String?
    public var backends: [Backend] = []
    public var location: String?
    public var reason: String?
    public var source: String?
    public var competitors: [Competitor] = []
    public var filters: [String] = []
    /// The request's policy chain in evaluation order, each with its verdict.
    public var policies: [PolicyVerdict] = []
    /// The policy stage that answers the request itself, if one does (`authentication`, `cors`, ...).
    public var decidedBy: String?

    public static func explain(_ table: RouteTable, _ request: RouteRequest, gateway: Int?, random: UInt64 = 0) -> RouteExplanation {
        var competitors: [(match: Int, host: Int)] = []
        let routeMatch = table.lookup(request, gateway: gateway) { competitors.append(($0, $1)) }
        let decision = table.decide(request, gateway: gateway, random: random)
        var explanation = RouteExplanation(status: decision.status)
        guard let routeMatch else {
            explanation.reason = "no listener on port \(request.port) accepts host \(request.host)"
            return explanation
        }
        let gatewayRecord = table.gateway(routeMatch.gateway)
        explanation.gateway = "\(gatewayRecord.namespace)/\(gatewayRecord.name)"
        explanation.listener = table.listener(routeMatch.listener).name
        guard let rule = routeMatch.rule, let match = routeMatch.match else {
            explanation.reason = "no rule of a route attached to this listener matches"
            return explanation
        }
        let ruleRecord = table.rule(rule), route = table.route(ruleRecord.route)
        explanation.routeNamespace = route.namespace
        explanation.routeName = route.name
        explanation.rule = ruleRecord.ruleIndex
        explanation.match = table.match(match).matchIndex
        explanation.matchDescription = describe(table, match: match)
        explanation.hostname = routeMatch.hostEntry.map { table.host($0).hostname }.flatMap { $0.isEmpty ? nil : $0 }
        explanation.source = "\(route.sourceFile):\(ruleRecord.sourceLine)"
        for ref in ruleRecord.backendRefs { explanation.backends.append(backend(table, ref: ref)) }
        switch decision.action {
        case .redirect(_, let location): explanation.location = location
        case .invalidBackend(let reason): explanation.reason = reason
        default: break
        }
        for filter in ruleRecord.filters { explanation.filters.append(describeFilter(table, filter)) }
        explanation.policies = PolicyVerdict.chain(table, rule: rule, listener: routeMatch.listener, request: request)
        if decision.status == 200, let decider = explanation.policies.first(where: { $0.answeredWith != nil }) {
            explanation.status = decider.answeredWith ?? 401
            explanation.decidedBy = decider.stage
            explanation.reason = "\(decider.stage) policy \(decider.policy): \(decider.verdict)"
        }
        for competitor in competitors {
            let other = table.match(competitor.match), otherRule = table.rule(other.rule), otherRoute = table.route(otherRule.route)
            explanation.competitors.append(Competitor(
                route: "\(otherRoute.namespace)/\(otherRoute.name)", rule: otherRule.ruleIndex, match: other.matchIndex,
                reason: whyLost(table, winner: match, winnerHost: routeMatch.hostEntry, loser: competitor.match, loserHost: competitor.host)))
        }
        return explanation
    }

    static func backend(_ table: RouteTable, ref: Int) -> Backend {
        let record = table.backendRef(ref)
        var result = Backend(
            group: record.group, kind: record.kind, namespace: record.namespace, name: record.name, weight: Int(record.weight), port: record.port,
            valid: record.backend != nil, problem: record.problem)
        if let backend = record.backend {
            let tls = table.backend(backend).tls ?? table.backend(backend).providers.first.flatMap { table.provider($0).tls }
            result.tls = tls.map { UpstreamTLSDescription.text(table, $0) }
        }
        if let backend = record.backend, let provider = table.backend(backend).providers.first {
            result.provider = table.provider(provider).kind
            result.model = table.provider(provider).model
            let providers = table.backend(backend).providers
            if providers.count > 1 {
                result.failover = providers.sorted { (table.provider($0).group, $0) < (table.provider($1).group, $1) }.map { index in
                    let record = table.provider(index)
                    return "group \(record.group): \(record.name ?? "#\(index - providers.lowerBound)") (\(record.kind)\(record.model.map { " \($0)" } ?? ""))"
                }
            }
        }
        return result
    }

    static func describe(_ table: RouteTable, match: Int) -> String {
        let record = table.match(match)
        var parts: [String] = []
        switch record.pathKind {
        case .exact?: parts.append("path Exact \(record.path)")
        case .prefix?: parts.append("path PathPrefix \(record.path)")
        default: parts.append("path RegularExpression \(record.path)")
        }
        if let method = record.method { parts.append("method \(method)") }
        for index in record.headers { parts.append("header \(table.valueMatch(index).name)=\(table.valueMatch(index).value)") }
        for index in record.queryParameters { parts.append("query \(table.valueMatch(index).name)=\(table.valueMatch(index).value)") }
        return parts.joined(separator: ", ")
    }

    static func describeFilter(_ table: RouteTable, _ filter: Int) -> String {
        let record = table.filter(filter)
        func ops() -> String {
            record.headerOps.map { index in
                let op = table.headerOp(index)
                switch op.kind {
                case .set?: return "set \(op.name): \(op.value)"
                case .add?: return "add \(op.name): \(op.value)"
                default: return "remove \(op.name)"
                }
            }.joined(separator: "; ")
        }
        switch record.kind {
        case .requestHeaderModifier?: return "RequestHeaderModifier (\(ops()))"
        case .responseHeaderModifier?: return "ResponseHeaderModifier (\(ops()))"
        case .requestRedirect?: return "RequestRedirect \(record.redirectStatus)"
        case .urlRewrite?: return "URLRewrite"
        case .requestMirror?: return "RequestMirror"
        case .cors?: return "CORS"
        default: return "ExtensionRef \(record.name)"
        }
    }

    /// The first precedence criterion on which the loser falls behind the winner.
    static func whyLost(_ table: RouteTable, winner winnerIndex: Int, winnerHost: Int?, loser loserIndex: Int, loserHost: Int) -> String {
        if let winnerHost, winnerHost != loserHost {
            let winnerName = table.host(winnerHost).hostname, loserName = table.host(loserHost).hostname
            return "route hostname \(winnerName.isEmpty ? "(any)" : winnerName) is more specific than \(loserName.isEmpty ? "(any)" : loserName)"
        }
        let winner = table.match(winnerIndex), loser = table.match(loserIndex)
        if winner.pathKind != loser.pathKind {
            return winner.pathKind == .exact ? "an Exact path match beats a PathPrefix match" : "a path prefix beats a regular expression"
        }
        if winner.path.utf8.count != loser.path.utf8.count {
            return "the longer prefix \(winner.path) (\(winner.path.utf8.count) characters) beats \(loser.path) (\(loser.path.utf8.count))"
        }
        if (winner.method != nil) != (loser.method != nil) { return "a method match beats none" }
        if winner.headerCount != loser.headerCount { return "\(winner.headerCount) header matches beat \(loser.headerCount)" }
        if winner.queryCount != loser.queryCount { return "\(winner.queryCount) query matches beat \(loser.queryCount)" }
        if table.rule(winner.rule).route == table.rule(loser.rule).route { return "an earlier rule or match of the same route wins the tie" }
        return "a tie on every match criterion goes to the older route, then to namespace/name order"
    }

    public var json: JSONValue {
        .object([
            "status": .int(status),
            "gateway": gateway.map { .string($0) } ?? .null,
            "listener": listener.map { .string($0) } ?? .null,
            "route": routeName.map { name in
                .object(["namespace": .string(routeNamespace ?? ""), "name": .string(name), "rule": .int(rule ?? 0), "match": .int(match ?? 0)])
            } ?? .null,
            "match": JSONValue.string(matchDescription),
            "hostname": JSONValue.string(hostname),
            "backends": .array(backends.map { backend in
                .object([
                    "group": .string(backend.group), "kind": .string(backend.kind), "namespace": .string(backend.namespace), "name": .string(backend.name),
                    "weight": .int(backend.weight), "port": backend.port.map { .int($0) }, "valid": .bool(backend.valid),
                    "provider": JSONValue.string(backend.provider), "model": JSONValue.string(backend.model), "problem": JSONValue.string(backend.problem),
                    "failover": .array(backend.failover.map { .string($0) }),
                    "tls": JSONValue.string(backend.tls),
                ])
            }),
            "location": location.map { .string($0) } ?? .null,
            "reason": JSONValue.string(reason),
            "source": JSONValue.string(source),
            "filters": .array(filters.map { .string($0) }),
            "policies": .array(policies.map(\.json)),
            "alsoMatched": .array(competitors.map { .object(["route": .string($0.route), "rule": .int($0.rule), "match": .int($0.match), "lostBecause": .string($0.reason)]) }),
        ])
    }

    public var text: String {
        var lines: [String] = []
        var answer: String
        switch status {
        case 200: answer = "200 forwarded"
        case 404: answer = "404 no route"
        case 500: answer = "500 invalid backend"
        case 401: answer = "401 refused by a policy"
        case 204: answer = "204 answered by the gateway (CORS preflight)"
        default: answer = "\(status) redirect"
        }
        if let decidedBy { answer = "\(status) answered by the gateway (\(decidedBy) policy)" }
        lines.append("status:    \(answer)")
        if let gateway { lines.append("gateway:   \(gateway), listener \(listener ?? "")") }
        if let routeName {
            lines.append("route:     HTTPRoute \(routeNamespace ?? "")/\(routeName) rule \(rule ?? 0) match \(match ?? 0)\(source.map { " (\($0))" } ?? "")")
            lines.append("match:     \(matchDescription ?? "")\(hostname.map { " on hostname \($0)" } ?? "")")
        }
        let totalWeight = backends.reduce(0) { $0 + $1.weight }
        for backend in backends {
            let share = totalWeight > 0 ? Double(backend.weight) * 100 / Double(totalWeight) : 0
            let what = backend.kind == "Service" ? "Service" : backend.kind
            var line = "backend:   \(what) \(backend.namespace)/\(backend.name)\(backend.port.map { ":\($0)" } ?? "") weight \(backend.weight) (\(String(format: "%.0f", share))%)"
            if let provider = backend.provider { line += ", \(provider)\(backend.model.map { " \($0)" } ?? "")" }
            if !backend.valid { line += " INVALID: \(backend.problem ?? "") → 500" }
            lines.append(line)
            if !backend.failover.isEmpty { lines.append("failover:  \(backend.failover.joined(separator: " → "))") }
            if let tls = backend.tls { lines.append("tls:       \(tls)") }
        }
        if let location { lines.append("location:  \(location)") }
        for filter in filters { lines.append("filter:    \(filter)") }
        for (number, policy) in policies.enumerated() {
            lines.append("policy \(number + 1):  \(policy.stage): \(policy.setting) [attached to the \(policy.attachedAt)]")
            lines.append("           → \(policy.verdict)")
        }
        if let reason, status != 200 { lines.append("reason:    \(reason)") }
        for competitor in competitors {
            lines.append("also matched: HTTPRoute \(competitor.route) rule \(competitor.rule) match \(competitor.match); lost because \(competitor.reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
