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

    private func routeName(_ index: Int) -> String { "\(table.route(index).namespace)/\(table.route(index).name)" }
    private func gatewayName(_ index: Int) -> String { "\(table.gateway(index).namespace)/\(table.gateway(index).name)" }

    private mutating func readGateways() {
        for gateway in 0..<table.count(.gateways) {
            var fields: [String: String] = [:]
            let name = gatewayName(gateway)
            for index in table.gateway(gateway).listeners {
                let listener = table.listener(index)
                fields["listener \(listener.name)"] = "\(listener.protocol) :\(listener.port) host \(listener.hostname ?? "*")"
                readPrecedence(gateway: name, listener: listener)
            }
            objects["Gateway \(name)"] = fields
        }
    }

    private mutating func readPrecedence(gateway: String, listener: RouteTable.ListenerRecord) {
        for host in listener.hosts.map(table.host) {
            let requestHost = Self.requestHost(entry: host.hostname, listener: listener.hostname)
            var order: [String] = []
            let place = "\(gateway) \(listener.name) \(host.hostname.isEmpty ? "*" : host.hostname)"
            func add(_ matches: Range<Int>) {
                for match in matches {
                    let key = matchKey(match)
                    order.append(key)
                    placements[key, default: []].append(Placement(place: place, gateway: gateway, port: listener.port, host: requestHost, match: match))
                }
            }
            for path in host.exactPaths { add(table.pathEntry(path).matches) }
            for path in host.prefixPaths { add(table.pathEntry(path).matches) }
            add(host.otherMatches)
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
        let record = table.match(match), rule = table.rule(record.rule)
        return "\(routeName(rule.route))#\(rule.ruleIndex)#\(record.matchIndex)"
    }

    private mutating func readRoutes() {
        var matchesByRule: [Int: [String]] = [:]
        var seen = Set<String>()
        for match in 0..<table.count(.matches) {
            let rule = table.match(match).rule
            let text = "\(table.match(match).matchIndex): \(RouteExplanation.describe(table, match: match))"
            if seen.insert("\(rule)|\(text)").inserted { matchesByRule[rule, default: []].append(text) }
        }
        for route in 0..<table.count(.routes) {
            var fields: [String: String] = [:]
            for index in table.route(route).rules {
                let rule = table.rule(index)
                let label = "rule \(rule.ruleIndex)"
                fields["\(label) matches"] = rule.isInvalid ? "(dropped: invalid)" : (matchesByRule[index] ?? []).sorted().joined(separator: "; ")
                fields["\(label) backends"] = rule.backendRefs.map { ref in
                    let backend = RouteExplanation.backend(table, ref: ref)
                    return "\(backend.kind) \(backend.namespace)/\(backend.name)\(backend.port.map { ":\($0)" } ?? "") weight \(backend.weight)\(backend.valid ? "" : " (invalid)")"
                }.joined(separator: ", ")
                if !rule.filters.isEmpty { fields["\(label) filters"] = rule.filters.map { RouteExplanation.describeFilter(table, $0) }.joined(separator: "; ") }
                let timeouts = [(rule.requestTimeoutMilliseconds, "request"), (rule.backendTimeoutMilliseconds, "backendRequest")].compactMap { value, label in
                    value.map { "\(label) \($0) ms" }
                }
                if !timeouts.isEmpty { fields["\(label) timeouts"] = timeouts.joined(separator: ", ") }
                if !rule.policyRefs.isEmpty {
                    fields["\(label) policies"] = rule.policies.map { TableInspector.describePolicy(table, $0.index) }.joined(separator: "; ")
                }
            }
            objects["HTTPRoute \(routeName(route))"] = fields
        }
    }

    private mutating func readBackends() {
        for backend in (0..<table.count(.backends)).map(table.backend) where backend.kind != .service || backend.tls != nil {
            var fields: [String: String] = [:]
            let kinds: [BackendKind: String] = [.service: "Service", .static: "static", .ai: "ai", .other: "other"]
            fields["type"] = backend.kind.flatMap { kinds[$0] } ?? "?"
            if let host = backend.host { fields["endpoint"] = Self.endpoint(host, backend.port) }
            if let tls = backend.tls { fields["tls"] = UpstreamTLSDescription.text(table, tls) }
            if !backend.modelAliases.isEmpty { fields["model aliases"] = backend.modelAliases.map { "\($0.alias) → \($0.model)" }.joined(separator: ", ") }
            if !backend.requestEdits.isEmpty { fields["request edits"] = TableInspector.describeEdits(backend.requestEdits).joined(separator: "; ") }
            if let caching = backend.promptCaching { fields["prompt caching"] = TableInspector.describeCaching(caching) }
            let providers = backend.providers
            for index in providers {
                let provider = table.provider(index)
                let label = providers.count == 1 ? "provider" : "provider \(index - providers.lowerBound)"
                var text = provider.kind
                if let model = provider.model { text += ", model \(model)" }
                // OpenAI's and Anthropic's own endpoints go without saying; others' say where they are.
                let ownDefault = provider.usesTLS && ["openai", "anthropic"].contains(provider.kind)
                if let host = provider.host, !ownDefault { text += ", endpoint \(provider.usesTLS ? "https://" : "")\(Self.endpoint(host, provider.port))" }
                if let path = provider.path { text += ", path \(path)" }
                if let prefix = provider.pathPrefix, prefix != "/v1" { text += ", path prefix \(prefix)" }
                if let query = provider.query { text += ", query \(query)" }
                fields[label] = text
                // The default (a kind's own endpoint, the system's CAs) goes without saying.
                if let tls = provider.tls, !tls.isDefault {
                    fields["\(label) tls"] = UpstreamTLSDescription.text(table, tls)
                }
                let modes: [AuthMode: String] = [.none: "none", .secretRef: "Secret", .passthrough: "passthrough", .inline: "inline key", .other: "cloud identity"]
                fields["\(label) auth"] = provider.secretRef.map { "Secret \(TableInspector.describeSecretRef(table, $0.index))" } ?? provider.authMode.flatMap { modes[$0] } ?? "?"
                if provider.credentialHeader == .awsSigV4 { fields["\(label) auth"]? += ", SigV4 for \(provider.signingService ?? "?") in \(provider.signingRegion ?? "?")" }
            }
            if !backend.routeTypes.isEmpty {
                fields["route types"] = backend.routeTypes.map { "\(table.routeType($0).suffix): \(table.routeType($0).type)" }.joined(separator: ", ")
            }
            objects["AgentgatewayBackend \(backend.namespace)/\(backend.name)"] = fields
        }
    }

    /// `host:port`, or the host alone when the table holds no port.
    static func endpoint(_ host: String, _ port: Int?) -> String { port.map { "\(host):\($0)" } ?? host }

    private mutating func readPolicies() {
        var byPolicy: [String: [String]] = [:]
        // Budgets are gwc's own kind; their records name them as policies do.
        var budgets = Set<String>()
        for policy in 0..<table.count(.policies) {
            let description = TableInspector.describePolicy(table, policy)
            let name = table.policy(policy).name
            byPolicy[name, default: []].append(String(description.dropFirst(name.count + 2)))
            if table.policy(policy).kind == .budget { budgets.insert(name) }
        }
        var attached: [String: Set<String>] = [:]
        for index in 0..<table.count(.rules) {
            let rule = table.rule(index)
            for policy in rule.policies { attached[policy.name, default: []].insert("\(routeName(rule.route)) rule \(rule.ruleIndex)") }
        }
        for (policyName, settings) in byPolicy {
            objects["\(budgets.contains(policyName) ? "Budget" : "AgentgatewayPolicy") \(policyName)"] = [
                "settings": settings.sorted().joined(separator: "; "),
                "applies to": (attached[policyName] ?? []).sorted().joined(separator: ", ").ifEmpty("nothing"),
            ]
        }
    }

    private mutating func readHermes() {
        for client in (0..<table.count(.hermesClients)).map(table.hermesClient) {
            // By file name: the two sides usually live in different directories (or a table was
            // built from another checkout), and one Hermes config per directory is the norm.
            let file = (client.configFile as NSString).lastPathComponent
            let key = "Hermes \(file) \(client.role)"
            hermesRequests[key] = HermesRequest(port: client.port, host: client.host, path: client.path, gateway: client.gateway.map(gatewayName))
            objects[key] = ["base_url": client.url, "api_mode": client.mode, "model": client.model ?? "(none)"]
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
