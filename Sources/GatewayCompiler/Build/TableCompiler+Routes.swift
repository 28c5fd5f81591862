import GatewayIR

extension TableCompiler {
    /// Routes with at least one accepted parent, ordered by namespace/name, with all their valid rules.
    mutating func compileRoutes() {
        let attachedRoutes = Set(result.status.attachments.map(\.route))
        for key in attachedRoutes.sorted() {
            guard let route = result.index.routes[key] else { continue }
            let routeRecord = model.append(.routes, [
                model.intern(route.meta.namespace), model.intern(route.meta.name), model.intern(sourceFile(route.meta.location)),
                sourceLine(route.meta.location), UInt32(model.count(.rules)), UInt32(route.rules.count),
            ])
            for (ruleIndex, rule) in route.rules.enumerated() {
                let id = RuleID(route: key, rule: ruleIndex)
                let invalid = result.status.invalidRules.contains(id)
                let firstRef = UInt32(model.count(.backendRefs))
                for (refIndex, ref) in rule.backendRefs.enumerated() {
                    let target = ref.target(defaultNamespace: route.meta.namespace)
                    var backend = backendIndex[target] ?? TableFormat.none
                    var problem: String?
                    if result.status.invalidBackendRefs.contains(BackendRefID(route: key, rule: ruleIndex, ref: refIndex)) {
                        backend = TableFormat.none
                        problem = "backendRef \(ref.kind) \(target.namespacedName) does not resolve"
                    } else if result.status.failedBackends.contains(target) {
                        backend = TableFormat.none
                        problem = "backend \(target.namespacedName) was not accepted (TranslationError)"
                    } else if backend == TableFormat.none {
                        problem = "backend \(target.namespacedName) is unknown"
                    }
                    model.append(.backendRefs, [
                        backend, UInt32(clamping: max(0, ref.weight)), ref.port.map(UInt32.init) ?? TableFormat.none, model.intern(problem),
                        model.intern(ref.group), model.intern(ref.kind), model.intern(target.namespace), model.intern(target.name),
                    ])
                }
                let firstFilter = UInt32(model.count(.filters))
                for filter in rule.filters { appendFilter(filter, route: route) }
                let policyRefs = policies(for: route, rule: rule)
                let firstPolicyRef = UInt32(model.count(.policyRefs))
                for policy in policyRefs { model.append(.policyRefs, [policy]) }
                let record = model.append(.rules, [
                    routeRecord, UInt32(ruleIndex), firstRef, UInt32(rule.backendRefs.count), firstFilter, UInt32(rule.filters.count),
                    rule.timeouts?.request.flatMap(Self.milliseconds) ?? TableFormat.none,
                    rule.timeouts?.backendRequest.flatMap(Self.milliseconds) ?? TableFormat.none,
                    firstPolicyRef, UInt32(policyRefs.count), sourceLine(rule.location), invalid ? RuleFlags.invalid : 0,
                ])
                ruleRecords[id] = record
            }
        }
    }

    private mutating func appendFilter(_ filter: HTTPRouteFilter, route: HTTPRoute) {
        let none = TableFormat.none
        func pathFields(_ modifier: PathModifier?) -> (UInt32, UInt32) {
            guard let modifier else { return (PathModifierKind.none.rawValue, none) }
            if modifier.type == "ReplacePrefixMatch" { return (PathModifierKind.replacePrefixMatch.rawValue, model.intern(modifier.replacePrefixMatch ?? "")) }
            return (PathModifierKind.replaceFullPath.rawValue, model.intern(modifier.replaceFullPath ?? ""))
        }
        func headerOps(_ modifier: HeaderModifier?) -> (UInt32, UInt32) {
            let first = UInt32(model.count(.headerOps))
            guard let modifier else { return (first, 0) }
            for pair in modifier.set { model.append(.headerOps, [HeaderOpKind.set.rawValue, model.intern(pair.name), model.intern(pair.value)]) }
            for pair in modifier.add { model.append(.headerOps, [HeaderOpKind.add.rawValue, model.intern(pair.name), model.intern(pair.value)]) }
            for name in modifier.remove { model.append(.headerOps, [HeaderOpKind.remove.rawValue, model.intern(name), 0]) }
            return (first, UInt32(model.count(.headerOps)) - first)
        }
        switch filter.type {
        case "RequestHeaderModifier", "ResponseHeaderModifier":
            let request = filter.type == "RequestHeaderModifier"
            let (first, count) = headerOps(request ? filter.requestHeaderModifier : filter.responseHeaderModifier)
            let kind = request ? FilterKind.requestHeaderModifier : .responseHeaderModifier
            model.append(.filters, [kind.rawValue, first, count, 0, 0, 0, 0, 0])
        case "RequestRedirect":
            let redirect = filter.requestRedirect
            let (pathType, pathValue) = pathFields(redirect?.path)
            model.append(.filters, [
                FilterKind.requestRedirect.rawValue, model.intern(redirect?.scheme), model.intern(redirect?.hostname),
                redirect?.port.map(UInt32.init) ?? none, pathType, pathValue, UInt32(redirect?.statusCode ?? 302), 0,
            ])
        case "URLRewrite":
            let (pathType, pathValue) = pathFields(filter.urlRewrite?.path)
            model.append(.filters, [FilterKind.urlRewrite.rawValue, model.intern(filter.urlRewrite?.hostname), 0, 0, pathType, pathValue, 0, 0])
        case "RequestMirror":
            let target = filter.requestMirror?.target(defaultNamespace: route.meta.namespace)
            model.append(.filters, [
                FilterKind.requestMirror.rawValue, target.flatMap { backendIndex[$0] } ?? none, filter.requestMirror?.port.map(UInt32.init) ?? none, 0, 0, 0, 0, 0,
            ])
        case "CORS":
            model.append(.filters, [FilterKind.cors.rawValue, model.intern("CORS"), 0, 0, 0, 0, 0, 0])
        default:
            model.append(.filters, [FilterKind.extensionRef.rawValue, model.intern(filter.extensionRef?.name ?? filter.type), 0, 0, 0, 0, 0, 0])
        }
    }

    /// Value matches are written once per (rule, match) and shared by every copy of the match.
    mutating func valueMatches(for match: HTTPRouteMatch, rule: UInt32, index: Int) -> UInt32 {
        let cacheKey = "\(rule)/\(index)"
        if let first = valueMatchCache[cacheKey] { return first }
        let first = UInt32(model.count(.valueMatches))
        for header in Self.firstByName(match.headers, caseInsensitive: true) {
            model.append(.valueMatches, [header.type == "RegularExpression" ? 1 : 0, model.intern(header.name), model.intern(header.value)])
        }
        for query in Self.firstByName(match.queryParams, caseInsensitive: false) {
            model.append(.valueMatches, [query.type == "RegularExpression" ? 1 : 0, model.intern(query.name), model.intern(query.value)])
        }
        valueMatchCache[cacheKey] = first
        return first
    }

    /// Only the first entry of a repeated header (or query) name counts, as the spec says.
    static func firstByName(_ matches: [ValueMatch], caseInsensitive: Bool) -> [ValueMatch] {
        var seen = Set<String>()
        return matches.filter { seen.insert(caseInsensitive ? $0.name.lowercased() : $0.name).inserted }
    }
}
