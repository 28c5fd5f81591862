import GatewayCompiler
import GatewayIR

/// The benchmark's baseline only: a request resolved by scanning every attached rule in Gateway
/// API precedence order, without the table's indexes. Nothing else resolves requests this way
/// (lint, `gwc route` and gwrun all use the table's lookup); the benchmark's `agree` count checks
/// the two against each other on the generated corpus.
struct LinearScanBaseline: Sendable {
    struct Request: Sendable {
        var port: Int
        var host: String
        var method: String
        var path: String
        var headers: [String: String] = [:]
        init(port: Int, host: String, method: String, path: String, headers: [String: String] = [:]) {
            self.port = port
            self.host = host
            self.method = method
            self.path = path
            self.headers = headers
        }
    }

    struct Match: Sendable {
        var gateway: ObjectKey
        var listener: String
        var route: HTTPRoute
        var ruleIndex: Int
        var rule: HTTPRouteRule
    }

    let index: ResourceIndex
    let report: StatusReport

    init(result: LintResult) {
        index = result.index
        report = result.status
    }

    /// Gateways with a listener on the port.
    func gateways(onPort port: Int) -> [ObjectKey] {
        index.resources.gateways.filter { $0.listeners.contains { $0.port == port } }.map(\.key)
    }

    func resolve(_ request: Request, gateway: ObjectKey? = nil) -> Match? {
        let host = Hostname.normalize(hostHeader: request.host)
        for gatewayKey in gateway.map({ [$0] }) ?? gateways(onPort: request.port) {
            guard let gateway = index.gateways[gatewayKey] else { continue }
            // The most specific listener hostname wins: exact, then longer wildcards, then none.
            let listeners = gateway.listeners.filter { $0.port == request.port && ($0.hostname.map { Hostname.matches(pattern: $0, host: host) } ?? true) }
            guard let listener = listeners.max(by: { specificity($0.hostname) < specificity($1.hostname) }) else { continue }
            var best: (key: [Int], match: Match)?
            for attachment in report.attachments where attachment.gateway == gatewayKey && attachment.listenerName == listener.name {
                guard let route = index.routes[attachment.route] else { continue }
                let hostScore: Int
                if attachment.hostnames.isEmpty {
                    hostScore = 0
                } else if let matched = attachment.hostnames.filter({ Hostname.matches(pattern: $0, host: host) }).max(by: { specificity($0) < specificity($1) }) {
                    hostScore = specificity(matched)
                } else { continue }
                for (ruleIndex, rule) in route.rules.enumerated() where !report.invalidRules.contains(RuleID(route: route.key, rule: ruleIndex)) {
                    for match in rule.matches where matches(match, request) {
                        let exact = match.path.type == "Exact" ? 1 : 0
                        let key = [hostScore, exact, match.path.value.count, match.method == nil ? 0 : 1, match.headers.count, match.queryParams.count]
                        if best == nil || lexicographicallyGreater(key, best?.key ?? []) {
                            best = (key, Match(gateway: gatewayKey, listener: listener.name, route: route, ruleIndex: ruleIndex, rule: rule))
                        }
                    }
                }
            }
            if let best { return best.match }
        }
        return nil
    }

    private func lexicographicallyGreater(_ a: [Int], _ b: [Int]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x > y }
        return false
    }

    private func specificity(_ hostname: String?) -> Int {
        guard let hostname else { return 0 }
        return hostname.hasPrefix("*.") ? 1000 + hostname.count : 100_000 + hostname.count
    }

    private func matches(_ match: HTTPRouteMatch, _ request: Request) -> Bool {
        switch match.path.type {
        case "Exact": if request.path != match.path.value { return false }
        case "PathPrefix": if !Self.prefixMatches(match.path.value, request.path) { return false }
        default: return false
        }
        if let method = match.method, method != request.method { return false }
        for header in match.headers {
            let value = request.headers.first { $0.key.lowercased() == header.name.lowercased() }?.value
            if header.type != "Exact" || value != header.value { return false }
        }
        return match.queryParams.isEmpty
    }

    /// Element-wise prefix: `/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`.
    static func prefixMatches(_ prefix: String, _ path: String) -> Bool {
        var trimmed = Substring(prefix)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed == "/" { return true }
        guard path.hasPrefix(trimmed) else { return false }
        let rest = path.dropFirst(trimmed.count)
        return rest.isEmpty || rest.hasPrefix("/")
    }
}
