import Foundation
import GatewayIR

/// `gwc inspect`: a table's header, checksum, sizes per section and contents, as text or JSON.
public enum TableInspector {
    public static func json(_ table: RouteTable) -> JSONValue {
        .object([
            "header": .object([
                "magic": .string("gwc route table"), "writeVersion": .int(Int(table.writeVersion)), "readVersion": .int(Int(table.readVersion)),
                "size": .int(table.size), "checksumAlgorithm": .string("crc32c"), "checksum": .string(String(format: "%08x", table.checksum)),
            ]),
            "sections": .array(TableSection.allCases.map { section in
                let info = table.sectionInfo(section)
                return .object(["name": .string(section.name), "offset": .int(info.offset), "bytes": .int(info.length), "records": .int(table.count(section))])
            }),
            "gateways": .array((0..<table.count(.gateways)).map { gatewayJSON(table, $0) }),
            "routes": .array((0..<table.count(.routes)).map { routeJSON(table, $0) }),
            "backends": .array((0..<table.count(.backends)).map { backendJSON(table, $0) }),
            "policies": .array((0..<table.count(.policies)).map { .string(describePolicy(table, $0)) }),
            "hermesClients": .array((0..<table.count(.hermesClients)).map { hermesJSON(table, $0) }),
        ])
    }

    static func gatewayJSON(_ table: RouteTable, _ gateway: Int) -> JSONValue {
        let first = Int(table.word(.gateways, gateway, Field.Gateway.firstListener)), count = Int(table.word(.gateways, gateway, Field.Gateway.listenerCount))
        return .object([
            "namespace": .string(table.string(table.word(.gateways, gateway, Field.Gateway.namespace))),
            "name": .string(table.string(table.word(.gateways, gateway, Field.Gateway.name))),
            "listeners": .array((first..<(first + count)).map { listenerJSON(table, $0) }),
        ])
    }

    static func listenerJSON(_ table: RouteTable, _ listener: Int) -> JSONValue {
        let firstHost = Int(table.word(.listeners, listener, Field.Listener.firstHost))
        let exact = table.word(.listeners, listener, Field.Listener.exactHostCount)
        let wildcard = table.word(.listeners, listener, Field.Listener.wildcardHostCount)
        let hosts = Int(exact + wildcard + table.word(.listeners, listener, Field.Listener.anyHostCount))
        let hostValues: [JSONValue] = (firstHost..<(firstHost + hosts)).map { hostJSON(table, $0) }
        let members: [JSONValue.Member] = [
            .init("name", .string(table.string(table.word(.listeners, listener, Field.Listener.name)))),
            .init("protocol", .string(table.string(table.word(.listeners, listener, Field.Listener.protocol)))),
            .init("port", .int(Int(table.word(.listeners, listener, Field.Listener.port)))),
            .init("hostname", table.optionalString(table.word(.listeners, listener, Field.Listener.hostname)).map { JSONValue.string($0) } ?? .null),
            .init("hosts", .array(hostValues)),
        ]
        return .object(members)
    }

    static func hostJSON(_ table: RouteTable, _ host: Int) -> JSONValue {
        let hostname = table.string(table.word(.hosts, host, Field.Host.hostname))
        let members: [JSONValue.Member] = [
            .init("hostname", .string(hostname.isEmpty ? "*" : hostname)),
            .init("exactPaths", .int(Int(table.word(.hosts, host, Field.Host.exactPathCount)))),
            .init("prefixPaths", .int(Int(table.word(.hosts, host, Field.Host.prefixPathCount)))),
            .init("otherMatches", .int(Int(table.word(.hosts, host, Field.Host.otherMatchCount)))),
        ]
        return .object(members)
    }

    static func routeJSON(_ table: RouteTable, _ route: Int) -> JSONValue {
        let first = Int(table.word(.routes, route, Field.Route.firstRule)), count = Int(table.word(.routes, route, Field.Route.ruleCount))
        return .object([
            "namespace": .string(table.string(table.word(.routes, route, Field.Route.namespace))),
            "name": .string(table.string(table.word(.routes, route, Field.Route.name))),
            "source": .string("\(table.string(table.word(.routes, route, Field.Route.sourceFile))):\(table.word(.routes, route, Field.Route.sourceLine))"),
            "rules": .array((first..<(first + count)).map { ruleJSON(table, $0) }),
        ])
    }

    static func ruleJSON(_ table: RouteTable, _ rule: Int) -> JSONValue {
        let firstRef = Int(table.word(.rules, rule, Field.Rule.firstBackendRef)), refs = Int(table.word(.rules, rule, Field.Rule.backendRefCount))
        let firstFilter = Int(table.word(.rules, rule, Field.Rule.firstFilter)), filters = Int(table.word(.rules, rule, Field.Rule.filterCount))
        let timeout = table.word(.rules, rule, Field.Rule.requestTimeoutMs)
        let backends: [JSONValue] = (firstRef..<(firstRef + refs)).map { backendRefJSON(table, $0) }
        let filterValues: [JSONValue] = (firstFilter..<(firstFilter + filters)).map { JSONValue.string(RouteExplanation.describeFilter(table, $0)) }
        var members: [JSONValue.Member] = [
            .init("index", .int(Int(table.word(.rules, rule, Field.Rule.ruleIndex)))),
            .init("line", .int(Int(table.word(.rules, rule, Field.Rule.sourceLine)))),
            .init("invalid", .bool(table.word(.rules, rule, Field.Rule.flags) & RuleFlags.invalid != 0)),
        ]
        if timeout != TableFormat.none { members.append(.init("requestTimeoutMs", .int(Int(timeout)))) }
        members.append(.init("backends", .array(backends)))
        members.append(.init("filters", .array(filterValues)))
        return .object(members)
    }

    static func backendRefJSON(_ table: RouteTable, _ ref: Int) -> JSONValue {
        let backend = RouteExplanation.backend(table, ref: ref)
        let members: [JSONValue.Member] = [
            .init("kind", .string(backend.kind)), .init("namespace", .string(backend.namespace)), .init("name", .string(backend.name)),
            .init("weight", .int(backend.weight)), .init("valid", .bool(backend.valid)),
        ]
        return .object(members)
    }

    static func backendJSON(_ table: RouteTable, _ backend: Int) -> JSONValue {
        let kinds: [UInt32: String] = [1: "Service", 2: "static", 3: "ai", 4: "other"]
        let firstProvider = Int(table.word(.backends, backend, Field.Backend.firstProvider)), providers = Int(table.word(.backends, backend, Field.Backend.providerCount))
        let firstType = Int(table.word(.backends, backend, Field.Backend.firstRouteType)), types = Int(table.word(.backends, backend, Field.Backend.routeTypeCount))
        return .object([
            "kind": .string(kinds[table.word(.backends, backend, Field.Backend.kind)] ?? "?"),
            "namespace": .string(table.string(table.word(.backends, backend, Field.Backend.namespace))),
            "name": .string(table.string(table.word(.backends, backend, Field.Backend.name))),
            "providers": .array((firstProvider..<(firstProvider + providers)).map { provider in
                let auth = table.word(.providers, provider, Field.Provider.auth)
                let port = table.word(.providers, provider, Field.Provider.port)
                return .object([
                    "provider": .string(table.string(table.word(.providers, provider, Field.Provider.kind))),
                    "model": JSONValue.string(table.optionalString(table.word(.providers, provider, Field.Provider.model))),
                    "host": JSONValue.string(table.optionalString(table.word(.providers, provider, Field.Provider.host))),
                    "port": port == TableFormat.none ? nil : .int(Int(port)),
                    "path": JSONValue.string(table.optionalString(table.word(.providers, provider, Field.Provider.path))),
                    "pathPrefix": JSONValue.string(table.optionalString(table.word(.providers, provider, Field.Provider.pathPrefix))),
                    "secretRef": auth == TableFormat.none ? nil : .string(describeSecretRef(table, Int(auth))),
                ])
            }),
            "routeTypes": .object((firstType..<(firstType + types)).map { type in
                JSONValue.Member(table.string(table.word(.routeTypes, type, Field.RouteType.suffix)), .string(table.string(table.word(.routeTypes, type, Field.RouteType.type))))
            }),
        ])
    }

    static func hermesJSON(_ table: RouteTable, _ client: Int) -> JSONValue {
        .object([
            "config": .string(table.string(table.word(.hermesClients, client, Field.HermesClient.configFile))),
            "role": .string(table.string(table.word(.hermesClients, client, Field.HermesClient.role))),
            "url": .string(table.string(table.word(.hermesClients, client, Field.HermesClient.url))),
            "apiMode": .string(table.string(table.word(.hermesClients, client, Field.HermesClient.mode))),
            "model": JSONValue.string(table.optionalString(table.word(.hermesClients, client, Field.HermesClient.model))),
            "request": .string("POST :\(table.word(.hermesClients, client, Field.HermesClient.port))\(table.string(table.word(.hermesClients, client, Field.HermesClient.path)))"),
        ])
    }

    /// `namespace/name[key]`: a reference, never a value.
    static func describeSecretRef(_ table: RouteTable, _ ref: Int) -> String {
        let key = table.string(table.word(.secretRefs, ref, Field.SecretRef.key))
        return "\(table.string(table.word(.secretRefs, ref, Field.SecretRef.namespace)))/\(table.string(table.word(.secretRefs, ref, Field.SecretRef.name)))\(key.isEmpty ? "" : "[\(key)]")"
    }

    public static func describePolicy(_ table: RouteTable, _ policy: Int) -> String {
        func field(_ index: Int) -> UInt32 { table.word(.policies, policy, index) }
        func optional(_ value: UInt32) -> String? { value == TableFormat.none ? nil : String(value) }
        func list(_ first: Int, _ count: Int) -> [String] {
            let start = Int(field(first))
            return (start..<(start + Int(field(count)))).map { table.string(table.word(.stringLists, $0, 0)) }
        }
        let name = table.string(field(Field.Policy.name))
        switch PolicyKind(rawValue: field(Field.Policy.kind)) {
        case .localRateLimit?:
            let amount = optional(field(Field.Policy.RateLimit.requests)).map { "\($0) requests" } ?? optional(field(Field.Policy.RateLimit.tokens)).map { "\($0) tokens" } ?? "?"
            return "\(name): local rate limit \(amount) per \(field(Field.Policy.RateLimit.unitSeconds)) s" + (optional(field(Field.Policy.RateLimit.burst)).map { ", burst \($0)" } ?? "")
        case .apiKeyAuthentication?:
            let ref = field(Field.Policy.APIKey.secretRef)
            return "\(name): API key authentication (\(table.string(field(Field.Policy.APIKey.mode))))" + (ref == TableFormat.none ? "" : ", keys in \(describeSecretRef(table, Int(ref)))")
        case .jwtAuthentication?: return "\(name): JWT authentication"
        case .basicAuthentication?: return "\(name): basic authentication"
        case .timeout?: return "\(name): request timeout \(field(Field.Policy.Timeout.milliseconds)) ms"
        case .retry?: return "\(name): retry \(field(Field.Policy.Retry.attempts)) attempts on \(list(Field.Policy.Retry.firstCode, Field.Policy.Retry.codeCount).joined(separator: ","))"
        case .cors?: return "\(name): CORS origins \(list(Field.Policy.CORS.firstOrigin, Field.Policy.CORS.originCount).joined(separator: ","))"
        case .promptGuard?:
            let direction = field(Field.Policy.PromptGuard.direction) == 0 ? "request" : "response"
            let patterns = list(Field.Policy.PromptGuard.firstPattern, Field.Policy.PromptGuard.patternCount) + list(Field.Policy.PromptGuard.firstBuiltin, Field.Policy.PromptGuard.builtinCount)
            return "\(name): prompt guard on \(direction), \(table.string(field(Field.Policy.PromptGuard.action))) \(patterns.joined(separator: ", "))"
        case nil: return "\(name): unknown policy"
        }
    }

    public static func text(_ table: RouteTable, path: String) -> String {
        var out = "\(path): gwc route table, write version \(table.writeVersion), read version \(table.readVersion), \(table.size) bytes, crc32c \(String(format: "%08x", table.checksum)) (verified)\n\nsections:\n"
        for section in TableSection.allCases {
            let info = table.sectionInfo(section)
            out += "  \(section.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%9d", info.length)) bytes  \(String(format: "%7d", table.count(section))) records  at \(info.offset)\n"
        }
        out += "\ngateways:\n"
        for gateway in 0..<table.count(.gateways) {
            let first = Int(table.word(.gateways, gateway, Field.Gateway.firstListener)), count = Int(table.word(.gateways, gateway, Field.Gateway.listenerCount))
            out += "  \(table.string(table.word(.gateways, gateway, Field.Gateway.namespace)))/\(table.string(table.word(.gateways, gateway, Field.Gateway.name)))\n"
            for listener in first..<(first + count) {
                let hostname = table.optionalString(table.word(.listeners, listener, Field.Listener.hostname)) ?? "*"
                out += "    listener \(table.string(table.word(.listeners, listener, Field.Listener.name))): \(table.string(table.word(.listeners, listener, Field.Listener.protocol))) :\(table.word(.listeners, listener, Field.Listener.port)) host \(hostname)\n"
            }
        }
        out += "\nroutes:\n"
        for route in 0..<table.count(.routes) {
            let first = Int(table.word(.routes, route, Field.Route.firstRule)), count = Int(table.word(.routes, route, Field.Route.ruleCount))
            out += "  \(table.string(table.word(.routes, route, Field.Route.namespace)))/\(table.string(table.word(.routes, route, Field.Route.name)))  (\(table.string(table.word(.routes, route, Field.Route.sourceFile))):\(table.word(.routes, route, Field.Route.sourceLine)))\n"
            for rule in first..<(first + count) {
                let firstRef = Int(table.word(.rules, rule, Field.Rule.firstBackendRef)), refs = Int(table.word(.rules, rule, Field.Rule.backendRefCount))
                let backends = (firstRef..<(firstRef + refs)).map { ref -> String in
                    let backend = RouteExplanation.backend(table, ref: ref)
                    return "\(backend.namespace)/\(backend.name) w\(backend.weight)\(backend.valid ? "" : " (invalid)")"
                }
                let invalid = table.word(.rules, rule, Field.Rule.flags) & RuleFlags.invalid != 0
                out += "    rule \(table.word(.rules, rule, Field.Rule.ruleIndex))\(invalid ? " (dropped)" : ""): \(backends.isEmpty ? "no backends" : backends.joined(separator: ", "))\n"
            }
        }
        out += "\nbackends:\n"
        for backend in 0..<table.count(.backends) {
            if case .object(let members) = backendJSON(table, backend) {
                let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                var line = "  "
                if case .string(let kind)? = fields["kind"], case .string(let namespace)? = fields["namespace"], case .string(let name)? = fields["name"] { line += "\(kind) \(namespace)/\(name)" }
                if case .array(let providers)? = fields["providers"] {
                    for case .object(let provider) in providers {
                        let values = Dictionary(provider.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                        if case .string(let kind)? = values["provider"] { line += ", \(kind)" }
                        if case .string(let model)? = values["model"] { line += " \(model)" }
                        if case .string(let secret)? = values["secretRef"] { line += ", key from Secret \(secret)" }
                    }
                }
                out += line + "\n"
            }
        }
        if table.count(.policies) > 0 {
            out += "\npolicies:\n"
            for policy in 0..<table.count(.policies) { out += "  \(describePolicy(table, policy))\n" }
        }
        if table.count(.hermesClients) > 0 {
            out += "\nhermes clients:\n"
            for client in 0..<table.count(.hermesClients) {
                out += "  \(table.string(table.word(.hermesClients, client, Field.HermesClient.configFile))) \(table.string(table.word(.hermesClients, client, Field.HermesClient.role))): "
                out += "POST :\(table.word(.hermesClients, client, Field.HermesClient.port))\(table.string(table.word(.hermesClients, client, Field.HermesClient.path))) (\(table.string(table.word(.hermesClients, client, Field.HermesClient.mode))))\n"
            }
        }
        return out
    }
}
