import Foundation
import GatewayIR

/// One side of a diff: the configuration as the gateway would run it, read back from a route
/// table (built in memory when the side is manifests). Every object is a set of named fields
/// with canonical text, so formatting, key order, file layout and document order do not count.
public struct ConfigSnapshot: Sendable {
    /// `Kind namespace/name` → field name → canonical value.
    public var objects: [String: [String: String]] = [:]
    /// The table itself, for resolving representative requests.
    public let table: RouteTable
    /// Secrets as read from manifests (absent when the side is a table): `namespace/name` → key → value.
    let secrets: [String: [String: SecretValue]]?
    /// Where each route rule's matches sit in precedence: `gateway listener host` → ordered `route#rule#match`.
    public var precedence: [String: [String]] = [:]
    /// Where each match is served, for deriving requests: match key → placements.
    var placements: [String: [Placement]] = [:]
    /// The request each Hermes endpoint sends, by object key.
    var hermesRequests: [String: HermesRequest] = [:]

    struct HermesRequest {
        var port: Int
        var host: String
        var path: String
        var gateway: String?
    }

    struct Placement {
        /// The precedence list (gateway, listener, host) the match sits in.
        var place: String
        var gateway: String
        var port: Int
        var host: String
        var match: Int
    }

    public init(table: RouteTable, secrets: [String: [String: SecretValue]]? = nil) {
        self.table = table
        self.secrets = secrets
        readGateways()
        readRoutes()
        readBackends()
        readPolicies()
        readHermes()
        readSecrets()
    }

    private func name(_ section: TableSection, _ record: Int, namespace: Int, name: Int) -> String {
        "\(table.string(table.word(section, record, namespace)))/\(table.string(table.word(section, record, name)))"
    }

    private mutating func readGateways() {
        for gateway in 0..<table.count(.gateways) {
            var fields: [String: String] = [:]
            let first = Int(table.word(.gateways, gateway, Field.Gateway.firstListener)), count = Int(table.word(.gateways, gateway, Field.Gateway.listenerCount))
            let gatewayName = name(.gateways, gateway, namespace: Field.Gateway.namespace, name: Field.Gateway.name)
            for listener in first..<(first + count) {
                let listenerName = table.string(table.word(.listeners, listener, Field.Listener.name))
                let hostname = table.optionalString(table.word(.listeners, listener, Field.Listener.hostname)) ?? "*"
                fields["listener \(listenerName)"] = "\(table.string(table.word(.listeners, listener, Field.Listener.protocol))) :\(table.word(.listeners, listener, Field.Listener.port)) host \(hostname)"
                readPrecedence(gateway: gatewayName, listener: listener, listenerName: listenerName)
            }
            objects["Gateway \(gatewayName)"] = fields
        }
    }

    private mutating func readPrecedence(gateway: String, listener: Int, listenerName: String) {
        let first = Int(table.word(.listeners, listener, Field.Listener.firstHost))
        let count = Int(table.word(.listeners, listener, Field.Listener.exactHostCount) + table.word(.listeners, listener, Field.Listener.wildcardHostCount)
            + table.word(.listeners, listener, Field.Listener.anyHostCount))
        for host in first..<(first + count) {
            let hostname = table.string(table.word(.hosts, host, Field.Host.hostname))
            let port = Int(table.word(.listeners, listener, Field.Listener.port))
            let requestHost = Self.requestHost(entry: hostname, listener: table.optionalString(table.word(.listeners, listener, Field.Listener.hostname)))
            var order: [String] = []
            let place = "\(gateway) \(listenerName) \(hostname.isEmpty ? "*" : hostname)"
            func add(_ firstMatch: Int, _ matches: Int) {
                for match in firstMatch..<(firstMatch + matches) {
                    let key = matchKey(match)
                    order.append(key)
                    placements[key, default: []].append(Placement(place: place, gateway: gateway, port: port, host: requestHost, match: match))
                }
            }
            for (firstField, countField) in [(Field.Host.firstExactPath, Field.Host.exactPathCount), (Field.Host.firstPrefixPath, Field.Host.prefixPathCount)] {
                let firstPath = Int(table.word(.hosts, host, firstField)), paths = Int(table.word(.hosts, host, countField))
                for path in firstPath..<(firstPath + paths) {
                    add(Int(table.word(.pathIndex, path, Field.PathEntry.firstMatch)), Int(table.word(.pathIndex, path, Field.PathEntry.matchCount)))
                }
            }
            add(Int(table.word(.hosts, host, Field.Host.firstOtherMatch)), Int(table.word(.hosts, host, Field.Host.otherMatchCount)))
            precedence[place] = order
        }
    }

    /// A Host header that lands on a host entry: its name, a label in place of a wildcard, or,
    /// for "any host", the listener's hostname or an address no hostname matches.
    static func requestHost(entry: String, listener: String?) -> String {
        let name = entry.isEmpty ? (listener ?? "") : entry
        if name.isEmpty { return "192.0.2.1" }
        return name.hasPrefix("*.") ? "any" + name.dropFirst(1) : name
    }

    /// `namespace/name#rule#match`, the identity of a match across sides.
    func matchKey(_ match: Int) -> String {
        let rule = Int(table.word(.matches, match, Field.Match.rule))
        let route = Int(table.word(.rules, rule, Field.Rule.route))
        return "\(name(.routes, route, namespace: Field.Route.namespace, name: Field.Route.name))#\(table.word(.rules, rule, Field.Rule.ruleIndex))#\(table.word(.matches, match, Field.Match.matchIndex))"
    }

    private mutating func readRoutes() {
        var matchesByRule: [Int: [String]] = [:]
        var seen = Set<String>()
        for match in 0..<table.count(.matches) {
            let rule = Int(table.word(.matches, match, Field.Match.rule))
            let text = "\(table.word(.matches, match, Field.Match.matchIndex)): \(RouteExplanation.describe(table, match: match))"
            if seen.insert("\(rule)|\(text)").inserted { matchesByRule[rule, default: []].append(text) }
        }
        for route in 0..<table.count(.routes) {
            var fields: [String: String] = [:]
            let first = Int(table.word(.routes, route, Field.Route.firstRule)), count = Int(table.word(.routes, route, Field.Route.ruleCount))
            for rule in first..<(first + count) {
                let label = "rule \(table.word(.rules, rule, Field.Rule.ruleIndex))"
                let invalid = table.word(.rules, rule, Field.Rule.flags) & RuleFlags.invalid != 0
                fields["\(label) matches"] = invalid ? "(dropped: invalid)" : (matchesByRule[rule] ?? []).sorted().joined(separator: "; ")
                let firstRef = Int(table.word(.rules, rule, Field.Rule.firstBackendRef)), refs = Int(table.word(.rules, rule, Field.Rule.backendRefCount))
                fields["\(label) backends"] = (firstRef..<(firstRef + refs)).map { ref in
                    let backend = RouteExplanation.backend(table, ref: ref)
                    return "\(backend.kind) \(backend.namespace)/\(backend.name)\(backend.port.map { ":\($0)" } ?? "") weight \(backend.weight)\(backend.valid ? "" : " (invalid)")"
                }.joined(separator: ", ")
                let firstFilter = Int(table.word(.rules, rule, Field.Rule.firstFilter)), filters = Int(table.word(.rules, rule, Field.Rule.filterCount))
                if filters > 0 { fields["\(label) filters"] = (firstFilter..<(firstFilter + filters)).map { RouteExplanation.describeFilter(table, $0) }.joined(separator: "; ") }
                let timeouts = [(Field.Rule.requestTimeoutMs, "request"), (Field.Rule.backendTimeoutMs, "backendRequest")].compactMap { field, label -> String? in
                    let value = table.word(.rules, rule, field)
                    return value == TableFormat.none ? nil : "\(label) \(value) ms"
                }
                if !timeouts.isEmpty { fields["\(label) timeouts"] = timeouts.joined(separator: ", ") }
                let firstPolicy = Int(table.word(.rules, rule, Field.Rule.firstPolicyRef)), policies = Int(table.word(.rules, rule, Field.Rule.policyRefCount))
                if policies > 0 {
                    fields["\(label) policies"] = (firstPolicy..<(firstPolicy + policies)).map { TableInspector.describePolicy(table, Int(table.word(.policyRefs, $0, 0))) }.joined(separator: "; ")
                }
            }
            objects["HTTPRoute \(name(.routes, route, namespace: Field.Route.namespace, name: Field.Route.name))"] = fields
        }
    }

    private mutating func readBackends() {
        for backend in 0..<table.count(.backends) where table.word(.backends, backend, Field.Backend.kind) != BackendKind.service.rawValue {
            var fields: [String: String] = [:]
            let kinds: [UInt32: String] = [2: "static", 3: "ai", 4: "other"]
            fields["type"] = kinds[table.word(.backends, backend, Field.Backend.kind)] ?? "?"
            if let host = table.optionalString(table.word(.backends, backend, Field.Backend.host)) {
                fields["endpoint"] = "\(host):\(table.word(.backends, backend, Field.Backend.port))"
            }
            let first = Int(table.word(.backends, backend, Field.Backend.firstProvider)), count = Int(table.word(.backends, backend, Field.Backend.providerCount))
            for provider in first..<(first + count) {
                let label = count == 1 ? "provider" : "provider \(provider - first)"
                var text = table.string(table.word(.providers, provider, Field.Provider.kind))
                if let model = table.optionalString(table.word(.providers, provider, Field.Provider.model)) { text += ", model \(model)" }
                if let host = table.optionalString(table.word(.providers, provider, Field.Provider.host)) {
                    text += ", endpoint \(host):\(table.word(.providers, provider, Field.Provider.port))"
                }
                if let path = table.optionalString(table.word(.providers, provider, Field.Provider.path)) { text += ", path \(path)" }
                if let prefix = table.optionalString(table.word(.providers, provider, Field.Provider.pathPrefix)) { text += ", path prefix \(prefix)" }
                fields[label] = text
                let auth = table.word(.providers, provider, Field.Provider.auth)
                let modes: [UInt32: String] = [0: "none", 1: "Secret", 2: "passthrough", 3: "inline key", 4: "cloud identity"]
                fields["\(label) auth"] = auth == TableFormat.none ? (modes[table.word(.providers, provider, Field.Provider.authMode)] ?? "?")
                    : "Secret \(TableInspector.describeSecretRef(table, Int(auth)))"
            }
            let firstType = Int(table.word(.backends, backend, Field.Backend.firstRouteType)), types = Int(table.word(.backends, backend, Field.Backend.routeTypeCount))
            if types > 0 {
                fields["route types"] = (firstType..<(firstType + types)).map {
                    "\(table.string(table.word(.routeTypes, $0, Field.RouteType.suffix))): \(table.string(table.word(.routeTypes, $0, Field.RouteType.type)))"
                }.joined(separator: ", ")
            }
            objects["AgentgatewayBackend \(name(.backends, backend, namespace: Field.Backend.namespace, name: Field.Backend.name))"] = fields
        }
    }

    private mutating func readPolicies() {
        var byPolicy: [String: [String]] = [:]
        for policy in 0..<table.count(.policies) {
            let description = TableInspector.describePolicy(table, policy)
            let name = table.string(table.word(.policies, policy, Field.Policy.name))
            byPolicy[name, default: []].append(String(description.dropFirst(name.count + 2)))
        }
        var attached: [String: Set<String>] = [:]
        for rule in 0..<table.count(.rules) {
            let route = Int(table.word(.rules, rule, Field.Rule.route))
            let first = Int(table.word(.rules, rule, Field.Rule.firstPolicyRef)), count = Int(table.word(.rules, rule, Field.Rule.policyRefCount))
            for ref in first..<(first + count) {
                let policyName = table.string(table.word(.policies, Int(table.word(.policyRefs, ref, 0)), Field.Policy.name))
                attached[policyName, default: []].insert("\(name(.routes, route, namespace: Field.Route.namespace, name: Field.Route.name)) rule \(table.word(.rules, rule, Field.Rule.ruleIndex))")
            }
        }
        for (policyName, settings) in byPolicy {
            objects["AgentgatewayPolicy \(policyName)"] = [
                "settings": settings.sorted().joined(separator: "; "),
                "applies to": (attached[policyName] ?? []).sorted().joined(separator: ", ").ifEmpty("nothing"),
            ]
        }
    }

    private mutating func readHermes() {
        for client in 0..<table.count(.hermesClients) {
            // By file name: the two sides usually live in different directories (or a table was
            // built from another checkout), and one Hermes config per directory is the norm.
            let file = (table.string(table.word(.hermesClients, client, Field.HermesClient.configFile)) as NSString).lastPathComponent
            let key = "Hermes \(file) \(table.string(table.word(.hermesClients, client, Field.HermesClient.role)))"
            hermesRequests[key] = HermesRequest(
                port: Int(table.word(.hermesClients, client, Field.HermesClient.port)), host: table.string(table.word(.hermesClients, client, Field.HermesClient.host)),
                path: table.string(table.word(.hermesClients, client, Field.HermesClient.path)),
                gateway: table.word(.hermesClients, client, Field.HermesClient.gateway) == TableFormat.none ? nil
                    : name(.gateways, Int(table.word(.hermesClients, client, Field.HermesClient.gateway)), namespace: Field.Gateway.namespace, name: Field.Gateway.name))
            objects[key] = [
                "base_url": table.string(table.word(.hermesClients, client, Field.HermesClient.url)),
                "api_mode": table.string(table.word(.hermesClients, client, Field.HermesClient.mode)),
                "model": table.optionalString(table.word(.hermesClients, client, Field.HermesClient.model)) ?? "(none)",
            ]
        }
    }

    /// Secret keys are listed; values are compared in `ConfigDiff` and never copied into text.
    private mutating func readSecrets() {
        guard let secrets else { return }
        for (name, values) in secrets { objects["Secret \(name)"] = ["keys": values.keys.sorted().joined(separator: ", ")] }
    }

    func secretValue(_ secret: String, key: String) -> SecretValue? { secrets?[secret]?[key] }
    var hasSecrets: Bool { secrets != nil }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
