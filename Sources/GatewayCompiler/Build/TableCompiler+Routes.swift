import GatewayIR

extension TableCompiler {
    /// Routes with at least one accepted parent, ordered by namespace/name, with all their valid rules.
    mutating func compileRoutes() {
        let attachedRoutes = Set(result.status.attachments.map(\.route))
        for key in attachedRoutes.sorted() {
            guard let route = result.index.routes[key] else { continue }
            let routeRecord = model.append(.routes, fields: [
                Field.Route.namespace: model.intern(route.meta.namespace),
                Field.Route.name: model.intern(route.meta.name),
                Field.Route.sourceFile: model.intern(sourceFile(route.meta.location)),
                Field.Route.sourceLine: sourceLine(route.meta.location),
                Field.Route.firstRule: UInt32(model.count(.rules)),
                Field.Route.ruleCount: UInt32(route.rules.count),
            ])
            for (ruleIndex, rule) in route.rules.enumerated() {
                let id = RuleID(route: key, rule: ruleIndex)
                let invalid = result.status.invalidRules.contains(id)
                let firstRef = UInt32(model.count(.backendRefs))
                // A backendRef's own filters come first in the filter section, before the rule's.
                var refFilters: [(first: UInt32, count: UInt32)] = []
                for ref in rule.backendRefs {
                    let first = UInt32(model.count(.filters))
                    for filter in ref.filters { appendFilter(filter, route: route) }
                    refFilters.append((first, UInt32(model.count(.filters)) - first))
                }
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
                    model.append(.backendRefs, fields: [
                        Field.BackendRef.backend: backend,
                        Field.BackendRef.weight: UInt32(clamping: max(0, ref.weight)),
                        Field.BackendRef.port: ref.port.map(UInt32.init) ?? TableFormat.none,
                        Field.BackendRef.problem: model.intern(problem),
                        Field.BackendRef.group: model.intern(ref.group),
                        Field.BackendRef.kind: model.intern(ref.kind),
                        Field.BackendRef.namespace: model.intern(target.namespace),
                        Field.BackendRef.name: model.intern(target.name),
                        Field.BackendRef.firstFilter: refFilters[refIndex].first, Field.BackendRef.filterCount: refFilters[refIndex].count,
                    ])
                }
                let firstFilter = UInt32(model.count(.filters))
                for filter in rule.filters { appendFilter(filter, route: route) }
                var policyRefs = policies(for: route, rule: rule)
                // A CORS filter is the rule's own `cors` setting: it beats every policy's.
                for filter in rule.filters { if let cors = filter.cors {
                    let name = model.intern("\(route.meta.namespace)/\(route.meta.name) rule \(ruleIndex) (CORS filter)")
                    policyRefs.append((appendCORS(cors, name: name), .routeFilter, nil))
                } }
                let firstPolicyRef = UInt32(model.count(.policyRefs))
                for ref in policyRefs {
                    model.append(.policyRefs, fields: [Field.PolicyRef.policy: ref.policy, Field.PolicyRef.level: ref.level.rawValue, Field.PolicyRef.listener: ref.listener ?? TableFormat.none])
                }
                let record = model.append(.rules, fields: [
                    Field.Rule.route: routeRecord,
                    Field.Rule.ruleIndex: UInt32(ruleIndex),
                    Field.Rule.firstBackendRef: firstRef,
                    Field.Rule.backendRefCount: UInt32(rule.backendRefs.count),
                    Field.Rule.firstFilter: firstFilter,
                    Field.Rule.filterCount: UInt32(rule.filters.count),
                    Field.Rule.requestTimeoutMs: rule.timeouts?.request.flatMap(Self.milliseconds) ?? TableFormat.none,
                    Field.Rule.backendTimeoutMs: rule.timeouts?.backendRequest.flatMap(Self.milliseconds) ?? TableFormat.none,
                    Field.Rule.firstPolicyRef: firstPolicyRef,
                    Field.Rule.policyRefCount: UInt32(policyRefs.count),
                    Field.Rule.sourceLine: sourceLine(rule.location),
                    Field.Rule.flags: (invalid ? RuleFlags.invalid : 0) | (route.meta.annotations[RuleFlags.auditContentAnnotation] == "true" ? RuleFlags.auditContent : 0),
                ])
                ruleRecords[id] = record
            }
        }
    }

    /// A header modifier's operations, in the order they apply: set, add, remove.
    mutating func appendHeaderOps(_ modifier: HeaderModifier) -> (first: UInt32, count: UInt32) {
        let first = UInt32(model.count(.headerOps))
        for pair in modifier.set { model.append(.headerOps, fields: [Field.HeaderOp.op: HeaderOpKind.set.rawValue, Field.HeaderOp.name: model.intern(pair.name), Field.HeaderOp.value: model.intern(pair.value)]) }
        for pair in modifier.add { model.append(.headerOps, fields: [Field.HeaderOp.op: HeaderOpKind.add.rawValue, Field.HeaderOp.name: model.intern(pair.name), Field.HeaderOp.value: model.intern(pair.value)]) }
        for name in modifier.remove { model.append(.headerOps, fields: [Field.HeaderOp.op: HeaderOpKind.remove.rawValue, Field.HeaderOp.name: model.intern(name), Field.HeaderOp.value: 0]) }
        return (first, UInt32(model.count(.headerOps)) - first)
    }

    private mutating func appendFilter(_ filter: HTTPRouteFilter, route: HTTPRoute) {
        let none = TableFormat.none
        func pathFields(_ modifier: PathModifier?) -> (UInt32, UInt32) {
            guard let modifier else { return (PathModifierKind.none.rawValue, none) }
            if modifier.type == "ReplacePrefixMatch" { return (PathModifierKind.replacePrefixMatch.rawValue, model.intern(modifier.replacePrefixMatch ?? "")) }
            return (PathModifierKind.replaceFullPath.rawValue, model.intern(modifier.replaceFullPath ?? ""))
        }
        func headerOps(_ modifier: HeaderModifier?) -> (UInt32, UInt32) {
            guard let modifier else { return (UInt32(model.count(.headerOps)), 0) }
            let ops = appendHeaderOps(modifier)
            return (ops.first, ops.count)
        }
        switch filter.type {
        case "RequestHeaderModifier", "ResponseHeaderModifier":
            let request = filter.type == "RequestHeaderModifier"
            let (first, count) = headerOps(request ? filter.requestHeaderModifier : filter.responseHeaderModifier)
            let kind = request ? FilterKind.requestHeaderModifier : .responseHeaderModifier
            model.append(.filters, fields: [Field.Filter.type: kind.rawValue, Field.Filter.HeaderModifier.firstOp: first, Field.Filter.HeaderModifier.opCount: count])
        case "RequestRedirect":
            let redirect = filter.requestRedirect
            let (pathType, pathValue) = pathFields(redirect?.path)
            model.append(.filters, fields: [
                Field.Filter.type: FilterKind.requestRedirect.rawValue, Field.Filter.Redirect.scheme: model.intern(redirect?.scheme),
                Field.Filter.Redirect.hostname: model.intern(redirect?.hostname), Field.Filter.Redirect.port: redirect?.port.map(UInt32.init) ?? none,
                Field.Filter.Redirect.pathModifier: pathType, Field.Filter.Redirect.path: pathValue, Field.Filter.Redirect.statusCode: UInt32(redirect?.statusCode ?? 302),
            ])
        case "URLRewrite":
            let (pathType, pathValue) = pathFields(filter.urlRewrite?.path)
            model.append(.filters, fields: [
                Field.Filter.type: FilterKind.urlRewrite.rawValue, Field.Filter.URLRewrite.hostname: model.intern(filter.urlRewrite?.hostname),
                Field.Filter.URLRewrite.pathModifier: pathType, Field.Filter.URLRewrite.path: pathValue,
            ])
        case "RequestMirror":
            let target = filter.requestMirror?.target(defaultNamespace: route.meta.namespace)
            model.append(.filters, fields: [
                Field.Filter.type: FilterKind.requestMirror.rawValue, Field.Filter.Mirror.backend: target.flatMap { backendIndex[$0] } ?? none,
                Field.Filter.Mirror.port: filter.requestMirror?.port.map(UInt32.init) ?? none,
                Field.Filter.Mirror.numerator: UInt32(clamping: min(filter.mirrorNumerator ?? 1, filter.mirrorDenominator ?? 1)),
                Field.Filter.Mirror.denominator: UInt32(clamping: max(filter.mirrorDenominator ?? 1, 1)),
            ])
        case "CORS":
            model.append(.filters, fields: [Field.Filter.type: FilterKind.cors.rawValue, Field.Filter.Named.name: model.intern("CORS")])
        default:
            model.append(.filters, fields: [Field.Filter.type: FilterKind.extensionRef.rawValue, Field.Filter.Named.name: model.intern(filter.extensionRef?.name ?? filter.type)])
        }
    }

    /// Value matches are written once per (rule, match) and shared by every copy of the match.
    mutating func valueMatches(for match: HTTPRouteMatch, rule: UInt32, index: Int) -> UInt32 {
        let cacheKey = "\(rule)/\(index)"
        if let first = valueMatchCache[cacheKey] { return first }
        let first = UInt32(model.count(.valueMatches))
        for header in Self.firstByName(match.headers, caseInsensitive: true) {
            model.append(.valueMatches, fields: [Field.ValueMatch.type: header.type == "RegularExpression" ? 1 : 0, Field.ValueMatch.name: model.intern(header.name), Field.ValueMatch.value: model.intern(header.value)])
        }
        for query in Self.firstByName(match.queryParams, caseInsensitive: false) {
            model.append(.valueMatches, fields: [Field.ValueMatch.type: query.type == "RegularExpression" ? 1 : 0, Field.ValueMatch.name: model.intern(query.name), Field.ValueMatch.value: model.intern(query.value)])
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
