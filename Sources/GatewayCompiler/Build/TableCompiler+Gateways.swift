import GatewayIR

extension TableCompiler {
    /// One match of one rule, with what orders it against the others on its host.
    struct MatchEntry {
        var rule: UInt32
        var matchIndex: Int
        var match: HTTPRouteMatch
        var route: HTTPRoute
        var ruleIndex: Int

        /// Gateway API precedence after the path bucket: longer configured path, method, more
        /// headers, more query params, older route, namespace/name, rule order, match order.
        /// Routes without creationTimestamp (manifests never applied) sort as newest; among
        /// themselves namespace/name decides (docs/table-format.md).
        static func precedes(_ a: MatchEntry, _ b: MatchEntry) -> Bool {
            if a.match.path.value.utf8.count != b.match.path.value.utf8.count { return a.match.path.value.utf8.count > b.match.path.value.utf8.count }
            if (a.match.method != nil) != (b.match.method != nil) { return a.match.method != nil }
            if a.match.headers.count != b.match.headers.count { return a.match.headers.count > b.match.headers.count }
            if a.match.queryParams.count != b.match.queryParams.count { return a.match.queryParams.count > b.match.queryParams.count }
            let aTime = a.route.meta.creationTimestamp ?? "~", bTime = b.route.meta.creationTimestamp ?? "~"
            if aTime != bTime { return aTime < bTime }
            if a.route.meta.namespace != b.route.meta.namespace { return a.route.meta.namespace < b.route.meta.namespace }
            if a.route.meta.name != b.route.meta.name { return a.route.meta.name < b.route.meta.name }
            if a.ruleIndex != b.ruleIndex { return a.ruleIndex < b.ruleIndex }
            return a.matchIndex < b.matchIndex
        }
    }

    /// Gateways by namespace/name; for each listener its host entries, each with its exact-path
    /// and prefix indexes (sorted by bytes, for binary search) over match lists in precedence order.
    mutating func compileGateways() {
        let gateways = result.index.gateways.values.sorted { $0.key < $1.key }
        // Listener records come in gateway order, so each gateway's listeners are contiguous.
        var firstListener: [UInt32] = []
        var listenerCursor: UInt32 = 0
        for gateway in gateways {
            firstListener.append(listenerCursor)
            listenerCursor += UInt32(gateway.listeners.count)
        }
        for (gatewayIndex, gateway) in gateways.enumerated() {
            let frontend = appendFrontendRefs(gateway)
            model.append(.gateways, fields: [Field.Gateway.namespace: model.intern(gateway.meta.namespace), Field.Gateway.name: model.intern(gateway.meta.name), Field.Gateway.firstListener: firstListener[gatewayIndex], Field.Gateway.listenerCount: UInt32(gateway.listeners.count),
                Field.Gateway.flags: gateway.meta.annotations[ClientAuthChecker.exposureAnnotation] == "lan" ? GatewayFlags.lanOnly : 0,
                Field.Gateway.firstFrontendRef: frontend.first, Field.Gateway.frontendRefCount: frontend.count])
        }
        for (gatewayIndex, gateway) in gateways.enumerated() {
            let conflicted = Set(result.status.gateways.first { $0.key == gateway.key }?.listeners
                .filter { status in status.conditions.contains { ($0.type == "Conflicted" && $0.isTrue) || ($0.type == "Accepted" && !$0.isTrue) } }
                .map(\.name) ?? [])
            for listener in gateway.listeners {
                let attachments = conflicted.contains(listener.name) ? []
                    : result.status.attachments.filter { $0.gateway == gateway.key && $0.listenerName == listener.name }
                var byHost: [String: [MatchEntry]] = [:]
                for attachment in attachments {
                    guard let route = result.index.routes[attachment.route] else { continue }
                    for (ruleIndex, rule) in route.rules.enumerated() {
                        let id = RuleID(route: route.key, rule: ruleIndex)
                        guard !result.status.invalidRules.contains(id), let record = ruleRecords[id] else { continue }
                        for (matchIndex, match) in rule.matches.enumerated() {
                            let entry = MatchEntry(rule: record, matchIndex: matchIndex, match: match, route: route, ruleIndex: ruleIndex)
                            for host in attachment.hostnames.isEmpty ? [""] : attachment.hostnames { byHost[host, default: []].append(entry) }
                        }
                    }
                }
                let exact = byHost.keys.filter { !$0.isEmpty && !$0.hasPrefix("*.") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                let wildcards = byHost.keys.filter { $0.hasPrefix("*.") }.sorted { ($0.utf8.count, $1) > ($1.utf8.count, $0) }
                let any = byHost[""] == nil ? [] : [""]
                let firstHost = UInt32(model.count(.hosts))
                for host in exact + wildcards + any { appendHost(host, entries: byHost[host] ?? []) }
                let certificates = appendCertificateRefs(listener, gateway: gateway)
                model.append(.listeners, fields: [
                    Field.Listener.gateway: UInt32(gatewayIndex),
                    Field.Listener.name: model.intern(listener.name),
                    Field.Listener.`protocol`: model.intern(listener.protocol),
                    Field.Listener.port: UInt32(clamping: listener.port),
                    Field.Listener.hostname: model.intern(listener.hostname),
                    Field.Listener.firstHost: firstHost,
                    Field.Listener.exactHostCount: UInt32(exact.count),
                    Field.Listener.wildcardHostCount: UInt32(wildcards.count),
                    Field.Listener.anyHostCount: UInt32(any.count),
                    Field.Listener.tlsMode: certificates.mode.rawValue,
                    Field.Listener.firstCertificateRef: certificates.first,
                    Field.Listener.certificateRefCount: certificates.count,
                ])
            }
        }
    }

    private mutating func appendHost(_ host: String, entries: [MatchEntry]) {
        var exact: [String: [MatchEntry]] = [:], prefix: [String: [MatchEntry]] = [:]
        var other: [MatchEntry] = []
        for entry in entries {
            switch entry.match.path.type {
            case "Exact": exact[entry.match.path.value, default: []].append(entry)
            case "PathPrefix": prefix[Self.normalizedPrefix(entry.match.path.value), default: []].append(entry)
            default: other.append(entry)
            }
        }
        let firstExact = UInt32(model.count(.pathIndex))
        for path in exact.keys.sorted(by: Self.byteOrder) { appendPath(path, exact[path] ?? []) }
        let firstPrefix = UInt32(model.count(.pathIndex))
        for path in prefix.keys.sorted(by: Self.byteOrder) { appendPath(path, prefix[path] ?? []) }
        let firstOther = UInt32(model.count(.matches))
        for entry in other.sorted(by: MatchEntry.precedes) { appendMatch(entry) }
        model.append(.hosts, fields: [
            Field.Host.hostname: model.intern(host),
            Field.Host.firstExactPath: firstExact,
            Field.Host.exactPathCount: UInt32(exact.count),
            Field.Host.firstPrefixPath: firstPrefix,
            Field.Host.prefixPathCount: UInt32(prefix.count),
            Field.Host.firstOtherMatch: firstOther,
            Field.Host.otherMatchCount: UInt32(model.count(.matches)) - firstOther,
            Field.Host.reserved: 0,
        ])
    }

    private mutating func appendPath(_ path: String, _ entries: [MatchEntry]) {
        let first = UInt32(model.count(.matches))
        for entry in entries.sorted(by: MatchEntry.precedes) { appendMatch(entry) }
        model.append(.pathIndex, fields: [Field.PathEntry.path: model.intern(path), Field.PathEntry.firstMatch: first, Field.PathEntry.matchCount: UInt32(entries.count)])
    }

    private mutating func appendMatch(_ entry: MatchEntry) {
        let kind: PathMatchKind = entry.match.path.type == "Exact" ? .exact : entry.match.path.type == "PathPrefix" ? .prefix : .regex
        let firstValue = valueMatches(for: entry.match, rule: entry.rule, index: entry.matchIndex)
        model.append(.matches, fields: [
            Field.Match.rule: entry.rule,
            Field.Match.matchIndex: UInt32(entry.matchIndex),
            Field.Match.pathType: kind.rawValue,
            Field.Match.path: model.intern(entry.match.path.value),
            Field.Match.method: model.intern(entry.match.method),
            Field.Match.firstValueMatch: firstValue,
            Field.Match.headerCount: UInt32(Self.firstByName(entry.match.headers, caseInsensitive: true).count),
            Field.Match.queryCount: UInt32(Self.firstByName(entry.match.queryParams, caseInsensitive: false).count),
            Field.Match.sourceLine: sourceLine(entry.match.location),
        ])
    }

    /// `/foo/` and `/foo` match the same requests; the index keys both as `/foo`.
    static func normalizedPrefix(_ value: String) -> String {
        var trimmed = Substring(value)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
