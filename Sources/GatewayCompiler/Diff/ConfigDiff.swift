import Foundation
import GatewayIR

/// The semantic difference between two configurations, and the traffic it moves.
public struct ConfigDiff: Sendable {
    public enum Change: String, Sendable { case added, removed, changed }

    public struct FieldChange: Sendable, Hashable {
        public var field: String
        public var old: String?
        public var new: String?
    }

    public struct ObjectChange: Sendable {
        public var object: String
        public var change: Change
        public var fields: [FieldChange]
    }

    public struct Request: Sendable, Hashable, Comparable {
        public var method: String
        public var port: Int
        public var host: String
        public var path: String
        public var headers: [String]
        public var query: [String]
        public var gateway: String?

        public var display: String {
            var text = "\(method) :\(port) \(path)"
            if !query.isEmpty { text += "?" + query.joined(separator: "&") }
            if host != "192.0.2.1" { text += " (host \(host))" }
            for header in headers { text += " [\(header)]" }
            return text
        }

        /// A total order (the gateway breaks ties), so reports do not depend on a set's order.
        public static func < (a: Request, b: Request) -> Bool {
            let left = (a.port, a.path, a.method, a.host, a.headers.joined(), a.query.joined()), right = (b.port, b.path, b.method, b.host, b.headers.joined(), b.query.joined())
            if left != right { return left < right }
            return (a.gateway ?? "") < (b.gateway ?? "")
        }
    }

    public struct TrafficChange: Sendable {
        public var request: Request
        /// Set for the requests a Hermes endpoint sends.
        public var client: String?
        public var before: String
        public var after: String
        /// What the policy changes mean for clients ("clients without an API key on :8080/x now get 401").
        public var impact: [String] = []
    }

    public struct PrecedenceMove: Sendable {
        public var place: String
        public var before: [String]
        public var after: [String]
    }

    public var objects: [ObjectChange] = []
    public var precedence: [PrecedenceMove] = []
    public var traffic: [TrafficChange] = []
    /// Set when a side came from a table, which holds no secret values to compare.
    public var secretValuesCompared = true

    public var isEmpty: Bool { objects.isEmpty && traffic.isEmpty && precedence.isEmpty }

    public static func compare(_ old: ConfigSnapshot, _ new: ConfigSnapshot) -> ConfigDiff {
        var diff = ConfigDiff()
        diff.secretValuesCompared = old.hasSecrets && new.hasSecrets
        for key in Set(old.objects.keys).union(new.objects.keys).sorted() {
            // A table holds no Secrets; against one, Secrets cannot be compared at all.
            if key.hasPrefix("Secret "), !diff.secretValuesCompared { continue }
            let before = old.objects[key], after = new.objects[key]
            var fields: [FieldChange] = []
            for field in Set((before ?? [:]).keys).union((after ?? [:]).keys).sorted() where before?[field] != after?[field] {
                fields.append(FieldChange(field: field, old: before?[field], new: after?[field]))
            }
            if key.hasPrefix("Secret "), let before, let after, diff.secretValuesCompared {
                let name = String(key.dropFirst("Secret ".count))
                let keys = Set(before["keys"]?.components(separatedBy: ", ") ?? []).intersection(after["keys"]?.components(separatedBy: ", ") ?? [])
                for dataKey in keys.sorted() where old.secretValue(name, key: dataKey) != new.secretValue(name, key: dataKey) {
                    // The values are compared here and nowhere written: no value, length or hash.
                    fields.append(FieldChange(field: "value of key \(dataKey)", old: "(hidden)", new: "(hidden, changed)"))
                }
            }
            guard !fields.isEmpty else { continue }
            let change: Change = before == nil ? .added : after == nil ? .removed : .changed
            diff.objects.append(ObjectChange(object: key, change: change, fields: fields))
        }
        diff.comparePrecedence(old, new)
        diff.compareTraffic(old, new)
        return diff
    }

    /// Places (listener and hostname) where matches present on both sides changed their order.
    private mutating func comparePrecedence(_ old: ConfigSnapshot, _ new: ConfigSnapshot) {
        for place in Set(old.precedence.keys).intersection(new.precedence.keys).sorted() {
            let before = old.precedence[place] ?? [], after = new.precedence[place] ?? []
            let common = Set(before).intersection(after)
            let beforeOrder = before.filter { common.contains($0) }, afterOrder = after.filter { common.contains($0) }
            if beforeOrder != afterOrder { precedence.append(PrecedenceMove(place: place, before: beforeOrder, after: afterOrder)) }
        }
    }

    private mutating func compareTraffic(_ old: ConfigSnapshot, _ new: ConfigSnapshot) {
        // Matches to probe: those of changed routes, and every match at a place whose order changed.
        var changedRoutes = Set<String>()
        for object in objects where object.object.hasPrefix("HTTPRoute ") { changedRoutes.insert(String(object.object.dropFirst("HTTPRoute ".count))) }
        for object in objects where object.object.hasPrefix("AgentgatewayBackend ") || object.object.hasPrefix("AgentgatewayPolicy ") || object.object.hasPrefix("Budget ") || object.object.hasPrefix("Gateway ") {
            // A backend, policy or listener change reaches every route: probe all routes that use it.
            changedRoutes.formUnion(Self.routesAffected(by: object.object, in: old) + Self.routesAffected(by: object.object, in: new))
        }
        var places = Set<String>()
        for place in Set(old.precedence.keys).union(new.precedence.keys) where old.precedence[place] != new.precedence[place] { places.insert(place) }
        var requests = Set<Request>()
        for snapshot in [old, new] {
            for (key, placements) in snapshot.placements {
                let route = String(key.split(separator: "#").first ?? "")
                for placement in placements {
                    guard changedRoutes.contains(route) || places.contains(placement.place) else { continue }
                    requests.formUnion(Self.requests(for: placement, in: snapshot))
                }
            }
        }
        for request in requests.sorted() {
            let before = Self.outcome(of: request, in: old), after = Self.outcome(of: request, in: new)
            guard before != after else { continue }
            var change = TrafficChange(request: request, client: nil, before: before, after: after)
            if let was = Self.effects(of: request, in: old), let now = Self.effects(of: request, in: new) {
                change.impact = now.impact(since: was, target: ":\(request.port)\(request.path)")
            }
            traffic.append(change)
        }
        for client in Set(old.hermesRequests.keys).union(new.hermesRequests.keys).sorted() {
            guard let sent = new.hermesRequests[client] ?? old.hermesRequests[client] else { continue }
            let request = Request(method: "POST", port: sent.port, host: sent.host, path: sent.path, headers: [], query: [], gateway: sent.gateway)
            let before = old.hermesRequests[client] == nil ? "(no such client)" : Self.outcome(of: request, in: old)
            let after = new.hermesRequests[client] == nil ? "(no such client)" : Self.outcome(of: request, in: new)
            if before != after { traffic.append(TrafficChange(request: request, client: String(client.dropFirst("Hermes ".count)), before: before, after: after)) }
        }
    }

    static func routesAffected(by object: String, in snapshot: ConfigSnapshot) -> [String] {
        let parts = object.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return [] }
        return snapshot.objects.compactMap { key, fields in
            guard key.hasPrefix("HTTPRoute ") else { return nil }
            let uses = fields.contains { field, value in
                switch parts[0] {
                case "AgentgatewayBackend": return field.hasSuffix("backends") && value.contains("AgentgatewayBackend \(parts[1]) ")
                case "AgentgatewayPolicy", "Budget": return field.hasSuffix("policies") && value.contains("\(parts[1]):")
                default: return false
                }
            }
            if parts[0] == "Gateway" { return snapshot.placements.contains { $0.key.hasPrefix(String(key.dropFirst("HTTPRoute ".count)) + "#") && $0.value.contains { $0.gateway == parts[1] } } ? String(key.dropFirst("HTTPRoute ".count)) : nil }
            return uses ? String(key.dropFirst("HTTPRoute ".count)) : nil
        }
    }

    /// Representative requests for a match: its exact path, or its prefix and a path below it,
    /// with the method, headers and query it needs, on the host of its placement.
    static func requests(for placement: ConfigSnapshot.Placement, in snapshot: ConfigSnapshot) -> [Request] {
        let table = snapshot.table, match = table.match(placement.match)
        let path = match.path
        var paths: [String]
        switch match.pathKind {
        case .exact?: paths = [path]
        case .prefix?:
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            paths = [trimmed, (trimmed == "/" ? "" : trimmed) + "/x"]
        default: return []
        }
        let toAI = table.rule(match.rule).backendRefs.contains { ref in table.backendRef(ref).backend.map { table.backend($0).kind == .ai } ?? false }
        let method = match.method ?? (toAI ? "POST" : "GET")
        let headers = match.headers.map { "\(table.valueMatch($0).name): \(table.valueMatch($0).value)" }
        let query = match.queryParameters.map { "\(table.valueMatch($0).name)=\(table.valueMatch($0).value)" }
        return paths.map { Request(method: method, port: placement.port, host: placement.host, path: $0, headers: headers, query: query, gateway: placement.gateway) }
    }

    /// The table's decision for a probe request (nil: its Gateway is not in the table).
    static func decision(of request: Request, in snapshot: ConfigSnapshot) -> RouteDecision? {
        let table = snapshot.table
        let gateway = request.gateway.flatMap { name in
            (0..<table.count(.gateways)).first { "\(table.gateway($0).namespace)/\(table.gateway($0).name)" == name }
        }
        if request.gateway != nil && gateway == nil { return nil }
        let headers = request.headers.map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        let routeRequest = RouteRequest(port: request.port, host: request.host, method: request.method, path: request.path, headers: headers, query: RouteRequest.parseQuery(request.query.joined(separator: "&")))
        return table.decide(routeRequest, gateway: gateway, random: 0)
    }

    /// The policies a probe request meets on a side (nil when no rule matches it there).
    static func effects(of request: Request, in snapshot: ConfigSnapshot) -> PolicyEffects? {
        guard let match = decision(of: request, in: snapshot)?.match, let rule = match.rule else { return nil }
        return PolicyEffects(table: snapshot.table, rule: rule, listener: match.listener)
    }

    /// What a side does with a request: the backends (with shares and models), a redirect, 404 or
    /// 500, and what its policies do (authentication, limits, guards, ...).
    static func outcome(of request: Request, in snapshot: ConfigSnapshot) -> String {
        let table = snapshot.table
        guard let decision = decision(of: request, in: snapshot) else { return "404 (no such Gateway)" }
        guard let rule = decision.match?.rule else { return "404" }
        if case .redirect(let status, let location) = decision.action { return "\(status) -> \(location)" }
        let ruleRecord = table.rule(rule)
        if ruleRecord.isInvalid { return "500 (invalid rule)" }
        let backends = ruleRecord.backendRefs.map { RouteExplanation.backend(table, ref: $0) }.filter { $0.weight > 0 }
        let total = backends.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return "500 (no backend)" }
        var parts = backends.map { backend -> String in
            var text = backend.valid ? backend.name : "500 (\(backend.name) invalid)"
            if backend.valid, let port = backend.port { text += ":\(port)" }
            if let provider = backend.provider {
                text += " (\(provider == "anthropic" || provider == "openai" ? "" : "\(provider) ")\(backend.model ?? "request's model"))"
            }
            if backends.count > 1 { text += " \(backend.weight * 100 / total)%" }
            return text
        }.joined(separator: ", ")
        let effects = PolicyEffects(table: table, rule: rule, listener: decision.match?.listener).summary
        if !effects.isEmpty { parts += " [\(effects)]" }
        return parts
    }

}
