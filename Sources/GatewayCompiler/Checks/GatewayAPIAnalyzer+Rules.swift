import GatewayIR

struct RuleProblem: Sendable, Hashable {
    var reason: String
    var message: String
}

extension GatewayAPIAnalyzer {
    /// Checks a rule's matches and filters. Enum values outside the CRD's list were reported by
    /// schema validation already; here they only make the rule invalid.
    mutating func validateRule(_ rule: HTTPRouteRule, index ruleIndex: Int, route: HTTPRoute) -> RuleProblem? {
        let object = route.key.description
        var problem: RuleProblem?
        func fail(_ reason: String, _ message: String) { if problem == nil { problem = RuleProblem(reason: reason, message: message) } }
        for match in rule.matches {
            switch match.path.type {
            case "Exact", "PathPrefix":
                if let why = Self.pathProblem(match.path.value) {
                    diagnostics.append(Diagnostic(
                        .invalidPath, "path \"\(match.path.value)\" is invalid: \(why)", at: match.path.location,
                        fix: "write an absolute path such as /v1/chat/completions", condition: "Accepted=False/UnsupportedValue", object: object))
                    fail("UnsupportedValue", "invalid path \(match.path.value)")
                }
            case "RegularExpression": break
            default: fail("UnsupportedValue", "unsupported path match type \(match.path.type)")
            }
            for header in match.headers where header.type != "Exact" && header.type != "RegularExpression" {
                fail("UnsupportedValue", "unsupported header match type \(header.type)")
            }
            for query in match.queryParams where query.type != "Exact" && query.type != "RegularExpression" {
                fail("UnsupportedValue", "unsupported query match type \(query.type)")
            }
            if let method = match.method, !Self.methods.contains(method) { fail("UnsupportedValue", "unsupported method \(method)") }
        }
        let types = rule.filters.map(\.type)
        let known: Set<String> = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "RequestMirror", "CORS", "ExtensionRef"]
        for filter in rule.filters where !known.contains(filter.type) { fail("UnsupportedValue", "unsupported filter type \(filter.type)") }
        if types.contains("RequestRedirect") && types.contains("URLRewrite") {
            diagnostics.append(Diagnostic(
                .incompatibleFilters, "rule \(ruleIndex) combines RequestRedirect and URLRewrite", at: rule.location,
                fix: "keep one of the two filters", condition: "Accepted=False/IncompatibleFilters", object: object))
            fail("IncompatibleFilters", "RequestRedirect and URLRewrite cannot be combined")
        }
        for single in ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "CORS"] where types.filter({ $0 == single }).count > 1 {
            diagnostics.append(Diagnostic(
                .incompatibleFilters, "rule \(ruleIndex) has more than one \(single) filter", at: rule.location,
                fix: "merge them into one filter", condition: "Accepted=False/IncompatibleFilters", object: object))
            fail("IncompatibleFilters", "more than one \(single)")
        }
        if types.contains("RequestRedirect") && !rule.backendRefs.isEmpty {
            diagnostics.append(Diagnostic(
                .incompatibleFilters, "rule \(ruleIndex) has a RequestRedirect and backendRefs; a redirect answers without a backend", at: rule.location,
                fix: "remove the backendRefs or the redirect", condition: "Accepted=False/IncompatibleFilters", object: object))
            fail("IncompatibleFilters", "RequestRedirect with backendRefs")
        }
        let usesPrefixReplace = rule.filters.contains { $0.requestRedirect?.path?.type == "ReplacePrefixMatch" || $0.urlRewrite?.path?.type == "ReplacePrefixMatch" }
        if usesPrefixReplace {
            let prefixMatches = rule.matches.filter { $0.path.type == "PathPrefix" }
            if prefixMatches.count != 1 || rule.matches.count != 1 {
                diagnostics.append(Diagnostic(
                    .incompatibleFilters, "ReplacePrefixMatch needs exactly one PathPrefix match in rule \(ruleIndex)", at: rule.location,
                    fix: "split the rule so that it has a single PathPrefix match", condition: "Accepted=False/UnsupportedValue", object: object))
                fail("UnsupportedValue", "ReplacePrefixMatch needs exactly one PathPrefix match")
            }
        }
        if let timeouts = rule.timeouts { checkTimeouts(timeouts, rule: rule, index: ruleIndex, object: object) }
        if rule.backendRefs.isEmpty && rule.filters.isEmpty {
            diagnostics.append(Diagnostic(
                .ruleWithoutBackends, "rule \(ruleIndex) has no backendRefs and no filters; matching requests get 500", at: rule.location,
                fix: "add a backendRef", object: object))
        } else if !rule.backendRefs.isEmpty && rule.backendRefs.allSatisfy({ $0.weight == 0 }) {
            diagnostics.append(Diagnostic(
                .zeroWeights, "every backendRef of rule \(ruleIndex) has weight 0; matching requests get 500", at: rule.location,
                fix: "give at least one backendRef a positive weight", object: object))
        }
        if let problem, problem.reason == "UnsupportedValue" || problem.reason == "IncompatibleFilters", route.rules.count > 1 {
            diagnostics.append(Diagnostic(
                .rulePartiallyInvalid, "rule \(ruleIndex) is invalid (\(problem.message)) and is dropped; the route's other rules are served",
                at: rule.location, condition: "PartiallyInvalid=True/\(problem.reason)", object: object))
        }
        return problem
    }

    /// GEP-2257 durations (`1h30m`, `500ms`); `backendRequest` may not exceed `request`.
    private mutating func checkTimeouts(_ timeouts: HTTPRouteTimeouts, rule: HTTPRouteRule, index: Int, object: String) {
        var parsed: [String: Int] = [:]
        for (field, value) in [("request", timeouts.request), ("backendRequest", timeouts.backendRequest)] {
            guard let value else { continue }
            if let milliseconds = Self.durationMilliseconds(value) {
                parsed[field] = milliseconds
            } else {
                diagnostics.append(Diagnostic(
                    .invalidValue, "timeouts.\(field) \"\(value)\" is not a Gateway API duration", at: rule.location,
                    fix: "write it like 30s, 500ms or 1h30m (no decimals, units h, m, s, ms)", object: object))
            }
        }
        if let request = parsed["request"], let backend = parsed["backendRequest"], request != 0, backend > request {
            diagnostics.append(Diagnostic(
                .invalidValue, "rule \(index): timeouts.backendRequest (\(timeouts.backendRequest ?? "")) is longer than timeouts.request (\(timeouts.request ?? ""))",
                at: rule.location, fix: "make backendRequest at most request", object: object))
        }
    }

    /// Milliseconds of a GEP-2257 duration: 1 to 4 groups of up to 5 digits with h, m, s or ms.
    static func durationMilliseconds(_ text: String) -> Int? {
        var total = 0, groups = 0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 5, let number = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit: Int
            if rest.hasPrefix("ms") { unit = 1; rest = rest.dropFirst(2) }
            else if rest.hasPrefix("h") { unit = 3_600_000; rest = rest.dropFirst() }
            else if rest.hasPrefix("m") { unit = 60_000; rest = rest.dropFirst() }
            else if rest.hasPrefix("s") { unit = 1000; rest = rest.dropFirst() }
            else { return nil }
            total += number * unit
            groups += 1
        }
        return groups >= 1 && groups <= 4 ? total : nil
    }

    /// Why an Exact or PathPrefix value is invalid, or nil. Rules from the HTTPRoute CRD's CEL.
    static func pathProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        func has(_ pattern: String) -> Bool {
            let needle = Array(pattern.utf8)
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
            }
            return false
        }
        func ends(_ suffix: String) -> Bool { bytes.count >= suffix.utf8.count && bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        if bytes.first != 0x2F { return "it must start with /" }
        if has("//") { return "it must not contain //" }
        if has("/./") || has("/../") || ends("/.") || ends("/..") { return "it must not contain /./ or /../ segments" }
        if has("%2f") || has("%2F") { return "it must not contain an encoded slash (%2F)" }
        if bytes.contains(0x23) { return "it must not contain #" }
        if bytes.count > 1024 { return "it is longer than 1024 characters" }
        if let bad = value.utf8.first(where: { !pathBytes[Int($0)] }) {
            return "the character \"\(Character(Unicode.Scalar(bad)))\" is not allowed" + (bad >= 0x80 ? " (percent-encode non-ASCII text)" : "")
        }
        return nil
    }

    /// Bytes a path value may contain, from the CRD's pattern.
    private static let pathBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._~!$&'()*+,;=:@%".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Resolves every backendRef (and mirror) of a route. All problems are reported; the
    /// condition carries the last one, as controllers do.
    mutating func resolveBackends(_ route: HTTPRoute) -> Condition {
        let object = route.key.description
        var last: Condition?
        var problems: [String] = []
        for (ruleIndex, rule) in route.rules.enumerated() {
            var refs = rule.backendRefs.enumerated().map { (index: $0.offset, ref: $0.element, mirror: false) }
            for filter in rule.filters { if let mirror = filter.requestMirror { refs.append((index: -1, ref: mirror, mirror: true)) } }
            for (refIndex, ref, isMirror) in refs {
                var portWarnings: [Diagnostic] = []
                let problem = resolve(ref, route: route, portWarnings: &portWarnings)
                diagnostics.append(contentsOf: portWarnings)
                guard let problem else { continue }
                if !isMirror { report.invalidBackendRefs.insert(BackendRefID(route: route.key, rule: ruleIndex, ref: refIndex)) }
                problems.append(problem.message)
                last = Condition("ResolvedRefs", false, problem.reason, problem.message)
                diagnostics.append(Diagnostic(
                    problem.code, (isMirror ? "mirror " : "") + problem.message, at: ref.location, notes: problem.notes, fix: problem.fix,
                    condition: "ResolvedRefs=False/\(problem.reason)", object: object))
            }
        }
        guard var last else { return Condition("ResolvedRefs", true, "ResolvedRefs") }
        if problems.count > 1 { last.message = problems.joined(separator: "; ") }
        return last
    }

    private struct RefProblem {
        var code: DiagnosticCode
        var reason: String
        var message: String
        var fix: String
        var notes: [DiagnosticNote] = []
    }

    private func resolve(_ ref: HTTPBackendRef, route: HTTPRoute, portWarnings: inout [Diagnostic]) -> RefProblem? {
        let target = ref.target(defaultNamespace: route.meta.namespace)
        let isService = ref.group == "" && ref.kind == "Service"
        let isBackend = ref.group == APIGroup.agentgateway && ref.kind == "AgentgatewayBackend"
        guard isService || isBackend else {
            return RefProblem(
                code: .invalidBackendKind, reason: "InvalidKind",
                message: "referencing unsupported backendRef: group \"\(ref.group)\" kind \"\(ref.kind)\"",
                fix: "use a Service (group \"\") or an AgentgatewayBackend (group agentgateway.dev)")
        }
        if target.namespace != route.meta.namespace,
            !index.referenceGranted(fromGroup: APIGroup.gateway, fromKind: "HTTPRoute", fromNamespace: route.meta.namespace, to: target)
        {
            return RefProblem(
                code: .backendRefNotPermitted, reason: "RefNotPermitted",
                message: "backendRef \(target.namespacedName) not accessible to a HTTPRoute in namespace \"\(route.meta.namespace)\" (missing a ReferenceGrant?)",
                fix: "add a ReferenceGrant in namespace \(target.namespace) from HTTPRoute in \(route.meta.namespace) to \(ref.kind) \(ref.name)")
        }
        if isService {
            guard let service = index.services[ObjectKey(group: "", kind: "Service", namespace: target.namespace, name: target.name)] else {
                let names = index.services.keys.filter { $0.namespace == target.namespace }.map(\.name)
                return RefProblem(
                    code: .backendNotFound, reason: "BackendNotFound",
                    message: "backend(\(target.name).\(target.namespace).svc.cluster.local) not found",
                    fix: NameSuggester.nearest(to: target.name, in: names).map { "did you mean \"\($0)\"?" } ?? "create the Service or fix the name")
            }
            if let port = ref.port, !service.ports.isEmpty, !service.ports.contains(where: { $0.port == port }) {
                portWarnings.append(Diagnostic(
                    .servicePortNotFound, "Service \(target.namespacedName) has no port \(port) (it has \(service.ports.map { String($0.port) }.joined(separator: ", ")))",
                    at: ref.location, notes: [DiagnosticNote("Service defined here", at: service.meta.location)],
                    fix: "use one of the Service's ports", object: route.key.description))
            }
            if ref.port == nil {
                return RefProblem(code: .servicePortMissing, reason: "UnsupportedValue", message: "port is required in Service backendRef \(target.namespacedName)", fix: "add `port:` with one of the Service's ports")
            }
            return nil
        }
        guard index.backends[target] != nil else {
            let names = index.backends.keys.filter { $0.namespace == target.namespace }.map(\.name)
            return RefProblem(
                code: .backendNotFound, reason: "BackendNotFound", message: "Backend not found: \(target.namespacedName)",
                fix: NameSuggester.nearest(to: target.name, in: names).map { "did you mean \"\($0)\"?" } ?? "create the AgentgatewayBackend or fix the name")
        }
        return nil
    }
}
