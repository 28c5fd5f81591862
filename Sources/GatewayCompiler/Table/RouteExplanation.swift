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
    public var policies: [String] = []

    public static func explain(_ table: RouteTable, _ request: RouteRequest, gateway: Int?, random: UInt64 = 0) -> RouteExplanation {
        var competitors: [(match: Int, host: Int)] = []
        let routeMatch = table.lookup(request, gateway: gateway) { competitors.append(($0, $1)) }
        let decision = table.decide(request, gateway: gateway, random: random)
        var explanation = RouteExplanation(status: decision.status)
        guard let routeMatch else {
            explanation.reason = "no listener on port \(request.port) accepts host \(request.host)"
            return explanation
        }
        explanation.gateway = "\(table.string(table.word(.gateways, routeMatch.gateway, Field.Gateway.namespace)))/\(table.string(table.word(.gateways, routeMatch.gateway, Field.Gateway.name)))"
        explanation.listener = table.string(table.word(.listeners, routeMatch.listener, Field.Listener.name))
        guard let rule = routeMatch.rule, let match = routeMatch.match else {
            explanation.reason = "no rule of a route attached to this listener matches"
            return explanation
        }
        let route = Int(table.word(.rules, rule, Field.Rule.route))
        explanation.routeNamespace = table.string(table.word(.routes, route, Field.Route.namespace))
        explanation.routeName = table.string(table.word(.routes, route, Field.Route.name))
        explanation.rule = Int(table.word(.rules, rule, Field.Rule.ruleIndex))
        explanation.match = Int(table.word(.matches, match, Field.Match.matchIndex))
        explanation.matchDescription = describe(table, match: match)
        explanation.hostname = routeMatch.hostEntry.map { table.string(table.word(.hosts, $0, Field.Host.hostname)) }.flatMap { $0.isEmpty ? nil : $0 }
        explanation.source = "\(table.string(table.word(.routes, route, Field.Route.sourceFile))):\(table.word(.rules, rule, Field.Rule.sourceLine))"
        let first = Int(table.word(.rules, rule, Field.Rule.firstBackendRef)), count = Int(table.word(.rules, rule, Field.Rule.backendRefCount))
        for ref in first..<(first + count) { explanation.backends.append(backend(table, ref: ref)) }
        switch decision.action {
        case .redirect(_, let location): explanation.location = location
        case .invalidBackend(let reason): explanation.reason = reason
        default: break
        }
        let firstFilter = Int(table.word(.rules, rule, Field.Rule.firstFilter)), filterCount = Int(table.word(.rules, rule, Field.Rule.filterCount))
        for filter in firstFilter..<(firstFilter + filterCount) { explanation.filters.append(describeFilter(table, filter)) }
        let firstPolicy = Int(table.word(.rules, rule, Field.Rule.firstPolicyRef)), policyCount = Int(table.word(.rules, rule, Field.Rule.policyRefCount))
        for ref in firstPolicy..<(firstPolicy + policyCount) { explanation.policies.append(TableInspector.describePolicy(table, Int(table.word(.policyRefs, ref, 0)))) }
        for competitor in competitors {
            let otherRule = Int(table.word(.matches, competitor.match, Field.Match.rule))
            let otherRoute = Int(table.word(.rules, otherRule, Field.Rule.route))
            explanation.competitors.append(Competitor(
                route: "\(table.string(table.word(.routes, otherRoute, Field.Route.namespace)))/\(table.string(table.word(.routes, otherRoute, Field.Route.name)))",
                rule: Int(table.word(.rules, otherRule, Field.Rule.ruleIndex)), match: Int(table.word(.matches, competitor.match, Field.Match.matchIndex)),
                reason: whyLost(table, winner: match, winnerHost: routeMatch.hostEntry, loser: competitor.match, loserHost: competitor.host)))
        }
        return explanation
    }

    static func backend(_ table: RouteTable, ref: Int) -> Backend {
        let backendIndex = table.word(.backendRefs, ref, Field.BackendRef.backend)
        let port = table.word(.backendRefs, ref, Field.BackendRef.port)
        var result = Backend(
            group: table.string(table.word(.backendRefs, ref, Field.BackendRef.group)), kind: table.string(table.word(.backendRefs, ref, Field.BackendRef.kind)),
            namespace: table.string(table.word(.backendRefs, ref, Field.BackendRef.namespace)), name: table.string(table.word(.backendRefs, ref, Field.BackendRef.name)),
            weight: Int(table.word(.backendRefs, ref, Field.BackendRef.weight)), port: port == TableFormat.none ? nil : Int(port),
            valid: backendIndex != TableFormat.none, problem: table.optionalString(table.word(.backendRefs, ref, Field.BackendRef.problem)))
        if backendIndex != TableFormat.none, table.word(.backends, Int(backendIndex), Field.Backend.providerCount) > 0 {
            let provider = Int(table.word(.backends, Int(backendIndex), Field.Backend.firstProvider))
            result.provider = table.string(table.word(.providers, provider, Field.Provider.kind))
            result.model = table.optionalString(table.word(.providers, provider, Field.Provider.model))
        }
        return result
    }

    static func describe(_ table: RouteTable, match: Int) -> String {
        var parts: [String] = []
        let path = table.string(table.word(.matches, match, Field.Match.path))
        switch PathMatchKind(rawValue: table.word(.matches, match, Field.Match.pathType)) {
        case .exact?: parts.append("path Exact \(path)")
        case .prefix?: parts.append("path PathPrefix \(path)")
        default: parts.append("path RegularExpression \(path)")
        }
        if let method = table.optionalString(table.word(.matches, match, Field.Match.method)) { parts.append("method \(method)") }
        let first = Int(table.word(.matches, match, Field.Match.firstValueMatch))
        let headers = Int(table.word(.matches, match, Field.Match.headerCount)), query = Int(table.word(.matches, match, Field.Match.queryCount))
        for index in first..<(first + headers) {
            parts.append("header \(table.string(table.word(.valueMatches, index, Field.ValueMatch.name)))=\(table.string(table.word(.valueMatches, index, Field.ValueMatch.value)))")
        }
        for index in (first + headers)..<(first + headers + query) {
            parts.append("query \(table.string(table.word(.valueMatches, index, Field.ValueMatch.name)))=\(table.string(table.word(.valueMatches, index, Field.ValueMatch.value)))")
        }
        return parts.joined(separator: ", ")
    }

    static func describeFilter(_ table: RouteTable, _ filter: Int) -> String {
        func ops() -> String {
            let first = Int(table.word(.filters, filter, Field.Filter.HeaderModifier.firstOp)), count = Int(table.word(.filters, filter, Field.Filter.HeaderModifier.opCount))
            return (first..<(first + count)).map { op in
                let name = table.string(table.word(.headerOps, op, Field.HeaderOp.name)), value = table.string(table.word(.headerOps, op, Field.HeaderOp.value))
                switch HeaderOpKind(rawValue: table.word(.headerOps, op, Field.HeaderOp.op)) {
                case .set?: return "set \(name): \(value)"
                case .add?: return "add \(name): \(value)"
                default: return "remove \(name)"
                }
            }.joined(separator: "; ")
        }
        switch FilterKind(rawValue: table.word(.filters, filter, Field.Filter.type)) {
        case .requestHeaderModifier?: return "RequestHeaderModifier (\(ops()))"
        case .responseHeaderModifier?: return "ResponseHeaderModifier (\(ops()))"
        case .requestRedirect?: return "RequestRedirect \(table.word(.filters, filter, Field.Filter.Redirect.statusCode))"
        case .urlRewrite?: return "URLRewrite"
        case .requestMirror?: return "RequestMirror"
        case .cors?: return "CORS"
        default: return "ExtensionRef \(table.string(table.word(.filters, filter, Field.Filter.Named.name)))"
        }
    }

    /// The first precedence criterion on which the loser falls behind the winner.
    static func whyLost(_ table: RouteTable, winner: Int, winnerHost: Int?, loser: Int, loserHost: Int) -> String {
        if let winnerHost, winnerHost != loserHost {
            let winnerName = table.string(table.word(.hosts, winnerHost, Field.Host.hostname))
            let loserName = table.string(table.word(.hosts, loserHost, Field.Host.hostname))
            return "route hostname \(winnerName.isEmpty ? "(any)" : winnerName) is more specific than \(loserName.isEmpty ? "(any)" : loserName)"
        }
        func field(_ match: Int, _ index: Int) -> UInt32 { table.word(.matches, match, index) }
        let winnerType = field(winner, Field.Match.pathType), loserType = field(loser, Field.Match.pathType)
        if winnerType != loserType {
            return winnerType == PathMatchKind.exact.rawValue ? "an Exact path match beats a PathPrefix match" : "a path prefix beats a regular expression"
        }
        let winnerPath = table.string(field(winner, Field.Match.path)), loserPath = table.string(field(loser, Field.Match.path))
        if winnerPath.utf8.count != loserPath.utf8.count {
            return "the longer prefix \(winnerPath) (\(winnerPath.utf8.count) characters) beats \(loserPath) (\(loserPath.utf8.count))"
        }
        let winnerMethod = field(winner, Field.Match.method) != TableFormat.none, loserMethod = field(loser, Field.Match.method) != TableFormat.none
        if winnerMethod != loserMethod { return "a method match beats none" }
        if field(winner, Field.Match.headerCount) != field(loser, Field.Match.headerCount) {
            return "\(field(winner, Field.Match.headerCount)) header matches beat \(field(loser, Field.Match.headerCount))"
        }
        if field(winner, Field.Match.queryCount) != field(loser, Field.Match.queryCount) {
            return "\(field(winner, Field.Match.queryCount)) query matches beat \(field(loser, Field.Match.queryCount))"
        }
        let winnerRoute = table.word(.rules, Int(field(winner, Field.Match.rule)), Field.Rule.route)
        let loserRoute = table.word(.rules, Int(field(loser, Field.Match.rule)), Field.Rule.route)
        if winnerRoute == loserRoute { return "an earlier rule or match of the same route wins the tie" }
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
                ])
            }),
            "location": location.map { .string($0) } ?? .null,
            "reason": JSONValue.string(reason),
            "source": JSONValue.string(source),
            "filters": .array(filters.map { .string($0) }),
            "policies": .array(policies.map { .string($0) }),
            "alsoMatched": .array(competitors.map { .object(["route": .string($0.route), "rule": .int($0.rule), "match": .int($0.match), "lostBecause": .string($0.reason)]) }),
        ])
    }

    public var text: String {
        var lines: [String] = []
        let answer: String
        switch status {
        case 200: answer = "200 forwarded"
        case 404: answer = "404 no route"
        case 500: answer = "500 invalid backend"
        default: answer = "\(status) redirect"
        }
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
        }
        if let location { lines.append("location:  \(location)") }
        for filter in filters { lines.append("filter:    \(filter)") }
        for policy in policies { lines.append("policy:    \(policy)") }
        if let reason, status != 200 { lines.append("reason:    \(reason)") }
        for competitor in competitors {
            lines.append("also matched: HTTPRoute \(competitor.route) rule \(competitor.rule) match \(competitor.match); lost because \(competitor.reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
