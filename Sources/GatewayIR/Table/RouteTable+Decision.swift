extension RouteTable {
    /// The full decision for a request. `random` picks among weighted backendRefs (any value in
    /// 0..<UInt64.max); the share of an invalid ref gets 500, as Gateway API requires. `scheme` is
    /// the request's; nil takes the listener's (`https` on an HTTPS listener).
    public func decide(_ request: RouteRequest, gateway: Int? = nil, scheme: String? = nil, random: UInt64) -> RouteDecision {
        guard let match = lookup(request, gateway: gateway) else { return RouteDecision(match: nil, action: .notFound) }
        // A listener took the request but no rule matched: the 404 still names the listener.
        guard let rule = match.rule, let matchRecord = match.match else { return RouteDecision(match: match, action: .notFound) }
        return RouteDecision(match: match, action: action(rule: rule, match: matchRecord, listener: match.listener, request: request, scheme: scheme, random: random))
    }

    private func action(rule: Int, match: Int, listener: Int, request: RouteRequest, scheme: String?, random: UInt64) -> RouteDecision.Action {
        if word(.rules, rule, Field.Rule.flags) & RuleFlags.invalid != 0 { return .invalidBackend(reason: "the rule is invalid") }
        let firstFilter = Int(word(.rules, rule, Field.Rule.firstFilter)), filterCount = Int(word(.rules, rule, Field.Rule.filterCount))
        for filter in firstFilter..<(firstFilter + filterCount) where FilterKind(rawValue: word(.filters, filter, Field.Filter.type)) == .requestRedirect {
            return .redirect(status: Int(word(.filters, filter, Field.Filter.Redirect.statusCode)), location: redirectLocation(filter: filter, match: match, listener: listener, request: request, scheme: scheme))
        }
        let first = Int(word(.rules, rule, Field.Rule.firstBackendRef)), refCount = Int(word(.rules, rule, Field.Rule.backendRefCount))
        var total: UInt64 = 0
        for ref in first..<(first + refCount) { total += UInt64(word(.backendRefs, ref, Field.BackendRef.weight)) }
        guard total > 0 else {
            return .invalidBackend(reason: refCount == 0 ? "the rule has no backendRefs" : "every backendRef has weight 0")
        }
        var pick = random % total
        for ref in first..<(first + refCount) {
            let weight = UInt64(word(.backendRefs, ref, Field.BackendRef.weight))
            if pick < weight {
                if word(.backendRefs, ref, Field.BackendRef.backend) == TableFormat.none {
                    return .invalidBackend(reason: optionalString(word(.backendRefs, ref, Field.BackendRef.problem)) ?? "invalid backendRef")
                }
                return .forward(backendRef: ref)
            }
            pick -= weight
        }
        return .invalidBackend(reason: "no backendRef chosen")
    }

    /// Location of a RequestRedirect: scheme, host, port and path each from the filter or the
    /// request; the port is left out when it is the scheme's default.
    func redirectLocation(filter: Int, match: Int, listener: Int, request: RouteRequest, scheme requestScheme: String?) -> String {
        let schemeID = word(.filters, filter, Field.Filter.Redirect.scheme), hostID = word(.filters, filter, Field.Filter.Redirect.hostname)
        let portValue = word(.filters, filter, Field.Filter.Redirect.port)
        let listenerScheme = string(word(.listeners, listener, Field.Listener.protocol)) == "HTTPS" ? "https" : "http"
        let scheme = optionalString(schemeID) ?? requestScheme ?? listenerScheme
        let host = optionalString(hostID) ?? Hostname.normalize(hostHeader: request.host)
        var port: Int
        if portValue != TableFormat.none {
            port = Int(portValue)
        } else if schemeID != TableFormat.none {
            port = scheme == "https" ? 443 : 80
        } else {
            port = Int(word(.listeners, listener, Field.Listener.port))
        }
        let path: String
        switch PathModifierKind(rawValue: word(.filters, filter, Field.Filter.Redirect.pathModifier)) {
        case .replaceFullPath?: path = string(word(.filters, filter, Field.Filter.Redirect.path))
        case .replacePrefixMatch?:
            path = Self.replacePrefix(request.path, prefix: string(word(.matches, match, Field.Match.path)), with: string(word(.filters, filter, Field.Filter.Redirect.path)))
        default: path = request.path
        }
        let defaultPort = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
        if defaultPort { port = 0 }
        return "\(scheme)://\(host)\(port == 0 ? "" : ":\(port)")\(path)"
    }

    /// A rule's URLRewrite: the Host to send (nil keeps the client's, as Gateway API requires) and
    /// the path to send (nil keeps the request's).
    public func urlRewrite(rule: Int, match: Int, path requestPath: String, backendRef: Int? = nil) -> (host: String?, path: String?) {
        // A backendRef's own URLRewrite applies to requests sent to it, instead of the rule's.
        let own = backendRef.flatMap { filters(ofBackendRef: $0, kind: .urlRewrite).first }
        guard let filter = own ?? filters(ofRule: rule, kind: .urlRewrite).first else { return (nil, nil) }
        let host = optionalString(word(.filters, filter, Field.Filter.URLRewrite.hostname))
        switch PathModifierKind(rawValue: word(.filters, filter, Field.Filter.URLRewrite.pathModifier)) {
        case .replaceFullPath?: return (host, string(word(.filters, filter, Field.Filter.URLRewrite.path)))
        case .replacePrefixMatch?:
            return (host, Self.replacePrefix(requestPath, prefix: string(word(.matches, match, Field.Match.path)), with: string(word(.filters, filter, Field.Filter.URLRewrite.path))))
        default: return (host, nil)
        }
    }

    /// ReplacePrefixMatch as the Gateway API table defines it (`/foo/bar`, `/foo`, `/xyz` → `/xyz/bar`).
    public static func replacePrefix(_ path: String, prefix: String, with replacement: String) -> String {
        var trimmedPrefix = Substring(prefix)
        while trimmedPrefix.count > 1 && trimmedPrefix.hasSuffix("/") { trimmedPrefix = trimmedPrefix.dropLast() }
        var base = Substring(replacement)
        while base.hasSuffix("/") { base = base.dropLast() }
        let rest = trimmedPrefix == "/" ? Substring(path) : path.dropFirst(trimmedPrefix.count)
        let joined = String(base) + rest
        return joined.isEmpty ? "/" : joined
    }

    /// Applies the header operations of a filter (set, add, remove) to a header list. `add`
    /// joins to an existing value with a comma, as the conformance suite expects.
    public func applyHeaderModifier(filter: Int, to headers: inout [(name: String, value: String)]) {
        let first = Int(word(.filters, filter, Field.Filter.HeaderModifier.firstOp)), count = Int(word(.filters, filter, Field.Filter.HeaderModifier.opCount))
        applyHeaderOps(first..<(first + count), to: &headers)
    }

    /// Applies header operations (a range of the header-ops section) in order: `set` replaces,
    /// `add` appends to the value, `remove` drops every header of the name.
    public func applyHeaderOps(_ ops: Range<Int>, to headers: inout [(name: String, value: String)]) {
        for op in ops {
            let name = string(word(.headerOps, op, Field.HeaderOp.name)), value = string(word(.headerOps, op, Field.HeaderOp.value))
            switch HeaderOpKind(rawValue: word(.headerOps, op, Field.HeaderOp.op)) {
            case .set?:
                headers.removeAll { $0.name.caseInsensitiveEquals(name) }
                headers.append((name, value))
            case .add?:
                if let index = headers.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
                    headers[index].value += ",\(value)"
                } else {
                    headers.append((name, value))
                }
            case .remove?:
                headers.removeAll { $0.name.caseInsensitiveEquals(name) }
            case nil:
                break
            }
        }
    }

    /// Filters of a rule of one kind, as record indices.
    public func filters(ofBackendRef ref: Int, kind: FilterKind) -> [Int] {
        backendRef(ref).filters.filter { FilterKind(rawValue: word(.filters, $0, Field.Filter.type)) == kind }
    }

    /// A RequestMirror filter's target and share.
    public struct MirrorTarget: Sendable {
        public let backend: Int?
        public let port: Int?
        public let numerator: UInt64
        public let denominator: UInt64
    }

    public func mirror(filter: Int) -> MirrorTarget {
        MirrorTarget(
            backend: optional(word(.filters, filter, Field.Filter.Mirror.backend)).map(Int.init),
            port: optional(word(.filters, filter, Field.Filter.Mirror.port)).map(Int.init),
            numerator: UInt64(word(.filters, filter, Field.Filter.Mirror.numerator)),
            denominator: UInt64(max(word(.filters, filter, Field.Filter.Mirror.denominator), 1)))
    }

    /// A filter's header operations (a header modifier's range of the header-ops section).
    public func headerOps(ofFilter filter: Int) -> Range<Int> {
        let first = Int(word(.filters, filter, Field.Filter.HeaderModifier.firstOp))
        return first..<(first + Int(word(.filters, filter, Field.Filter.HeaderModifier.opCount)))
    }

    public func filters(ofRule rule: Int, kind: FilterKind) -> [Int] {
        let first = Int(word(.rules, rule, Field.Rule.firstFilter)), count = Int(word(.rules, rule, Field.Rule.filterCount))
        return (first..<(first + count)).filter { FilterKind(rawValue: word(.filters, $0, Field.Filter.type)) == kind }
    }
}
