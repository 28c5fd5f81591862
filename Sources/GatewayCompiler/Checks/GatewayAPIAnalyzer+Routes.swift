import GatewayIR

extension GatewayAPIAnalyzer {
    mutating func analyzeRoute(_ route: HTTPRoute, listenerValidity: [ObjectKey: [String: Bool]]) -> RouteStatus {
        let object = route.key.description
        for hostname in route.hostnames where !checkHostnameSyntax(hostname) {
            diagnostics.append(Diagnostic(
                .invalidHostname, "\"\(hostname)\" is not a valid route hostname", at: route.meta.location,
                fix: "use a lower-case DNS name, optionally starting with `*.`", object: object))
        }
        checkParentRefDistinctness(route)
        let ruleProblems = route.rules.enumerated().map { validateRule($0.element, index: $0.offset, route: route) }
        let invalidRules = ruleProblems.enumerated().filter { $0.element != nil }.map(\.offset)
        for rule in invalidRules { report.invalidRules.insert(RuleID(route: route.key, rule: rule)) }
        let resolvedRefs = resolveBackends(route)

        var parents: [RouteParentStatus] = []
        for parentRef in route.parentRefs {
            var conditions: [Condition] = []
            let namespace = parentRef.namespace ?? route.meta.namespace
            var accepted = attach(route, parentRef: parentRef, namespace: namespace, listenerValidity: listenerValidity)
            if accepted.isTrue, !invalidRules.isEmpty {
                if invalidRules.count == route.rules.count {
                    accepted = Condition("Accepted", false, ruleProblems.compactMap { $0 }.first?.reason ?? "UnsupportedValue", "all rules are invalid")
                    report.attachments.removeAll { $0.route == route.key && $0.gateway.name == parentRef.name && $0.gateway.namespace == namespace }
                } else {
                    conditions.append(Condition(
                        "PartiallyInvalid", true, ruleProblems.compactMap { $0 }.first?.reason ?? "UnsupportedValue",
                        "Dropped Rule(s) \(invalidRules.map(String.init).joined(separator: ", ")): \(ruleProblems.compactMap { $0 }.first?.message ?? "")"))
                }
            }
            conditions.insert(accepted, at: 0)
            conditions.insert(resolvedRefs, at: 1)
            parents.append(RouteParentStatus(parentRef: parentRef, parentNamespace: namespace, conditions: conditions))
        }
        if route.parentRefs.isEmpty {
            diagnostics.append(Diagnostic(
                .routeNotAttached, "HTTPRoute \(route.meta.namespace)/\(route.meta.name) has no parentRefs, so no Gateway serves it",
                at: route.meta.location, fix: "add spec.parentRefs naming the Gateway", object: object))
        }
        return RouteStatus(key: route.key, parents: parents)
    }

    private mutating func checkParentRefDistinctness(_ route: HTTPRoute) {
        var byParent: [String: [ParentReference]] = [:]
        for ref in route.parentRefs { byParent["\(ref.group)/\(ref.kind)/\(ref.namespace ?? route.meta.namespace)/\(ref.name)", default: []].append(ref) }
        for refs in byParent.values where refs.count > 1 {
            let names = refs.map { $0.sectionName ?? "" }
            if names.contains("") || Set(names).count != names.count, let second = refs.dropFirst().first {
                diagnostics.append(Diagnostic(
                    .parentRefsNotDistinct, "\(refs.count) parentRefs name Gateway \(second.name) without distinct sectionNames", at: second.location,
                    notes: refs.first.map { [DiagnosticNote("first reference", at: $0.location)] } ?? [],
                    fix: "set a different sectionName on each, or merge them into one parentRef", object: route.key.description))
            }
        }
    }

    /// Decides one parentRef: which listeners accept the route, or why none does.
    private mutating func attach(_ route: HTTPRoute, parentRef: ParentReference, namespace: String, listenerValidity: [ObjectKey: [String: Bool]]) -> Condition {
        let object = route.key.description
        guard parentRef.group == APIGroup.gateway, parentRef.kind == "Gateway" else {
            return Condition("Accepted", false, "NoMatchingParent", "parentRef kind \(parentRef.kind) is not supported")
        }
        let gatewayKey = ObjectKey(group: APIGroup.gateway, kind: "Gateway", namespace: namespace, name: parentRef.name)
        guard let gateway = index.gateways[gatewayKey] else {
            let candidates = index.gateways.keys.filter { $0.namespace == namespace }.map(\.name)
            let suggestion = NameSuggester.nearest(to: parentRef.name, in: candidates)
            diagnostics.append(Diagnostic(
                .parentNotFound, "parentRef names Gateway \(namespace)/\(parentRef.name), which does not exist", at: parentRef.location,
                fix: suggestion.map { "did you mean \"\($0)\"?" } ?? "create the Gateway or fix the name and namespace",
                condition: "Accepted=False/NoMatchingParent", object: object))
            return Condition("Accepted", false, "NoMatchingParent", "Gateway \(namespace)/\(parentRef.name) not found")
        }
        let named = gateway.listeners.filter { listener in
            (parentRef.sectionName == nil || parentRef.sectionName == listener.name) && (parentRef.port == nil || parentRef.port == listener.port)
        }
        guard !named.isEmpty else {
            var wanted: [String] = []
            if let section = parentRef.sectionName { wanted.append("sectionName \"\(section)\"") }
            if let port = parentRef.port { wanted.append("port \(port)") }
            let names = gateway.listeners.map { "\($0.name) (port \($0.port))" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(
                .noMatchingListener, "Gateway \(namespace)/\(gateway.meta.name) has no listener with \(wanted.joined(separator: " and "))",
                at: parentRef.location, notes: [DiagnosticNote("its listeners: \(names)", at: gateway.meta.location)],
                fix: parentRef.sectionName.flatMap { NameSuggester.nearest(to: $0, in: gateway.listeners.map(\.name)) }.map { "did you mean sectionName \"\($0)\"?" }
                    ?? "name an existing listener", condition: "Accepted=False/NoMatchingParent", object: object))
            return Condition("Accepted", false, "NoMatchingParent", "no listener matches the parentRef's \(wanted.joined(separator: " and "))")
        }
        let usable = named.filter { listenerValidity[gatewayKey]?[$0.name] ?? false }
        let namespaceAllowed = usable.filter { allowsNamespace($0.allowedRoutes, routeNamespace: route.meta.namespace, gatewayNamespace: gateway.meta.namespace) }
        guard !namespaceAllowed.isEmpty else {
            let from = named.map { "\($0.name): from \($0.allowedRoutes.namespacesFrom)" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(
                .namespaceNotAllowed,
                usable.isEmpty ? "every listener this parentRef selects on Gateway \(namespace)/\(gateway.meta.name) is invalid or conflicted"
                    : "no listener of Gateway \(namespace)/\(gateway.meta.name) allows routes from namespace \"\(route.meta.namespace)\" (\(from))",
                at: parentRef.location, notes: named.map { DiagnosticNote("listener \"\($0.name)\" allowedRoutes", at: $0.allowedRoutes.location) },
                fix: "set allowedRoutes.namespaces.from: All (or a Selector matching \(route.meta.namespace)) on the listener, or move the route",
                condition: "Accepted=False/NotAllowedByListeners", object: object))
            return Condition("Accepted", false, "NotAllowedByListeners", "no listener allows routes from namespace \(route.meta.namespace)")
        }
        let kindAllowed = namespaceAllowed.filter { allowsHTTPRoute($0) }
        guard !kindAllowed.isEmpty else {
            diagnostics.append(Diagnostic(
                .kindNotAllowed, "no listener of Gateway \(namespace)/\(gateway.meta.name) allows kind HTTPRoute", at: parentRef.location,
                notes: namespaceAllowed.map { DiagnosticNote("listener \"\($0.name)\" (\($0.protocol))", at: $0.location) },
                fix: "add HTTPRoute to allowedRoutes.kinds, or attach to an HTTP listener", condition: "Accepted=False/NotAllowedByListeners", object: object))
            return Condition("Accepted", false, "NotAllowedByListeners", "no listener allows kind HTTPRoute")
        }
        var matchedAny = false
        for listener in kindAllowed {
            guard let hostnames = Hostname.intersect(listener: listener.hostname, route: route.hostnames) else { continue }
            matchedAny = true
            report.attachments.append(Attachment(route: route.key, gateway: gatewayKey, listenerName: listener.name, port: listener.port, hostnames: hostnames))
        }
        guard matchedAny else {
            let listenerNames = kindAllowed.map { $0.hostname ?? "*" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(
                .noHostnameIntersection, "route hostnames \(route.hostnames.joined(separator: ", ")) intersect no listener hostname (\(listenerNames))",
                at: parentRef.location, fix: "add a hostname the listener accepts, or remove the route's hostnames",
                condition: "Accepted=False/NoMatchingListenerHostname", object: object))
            return Condition("Accepted", false, "NoMatchingListenerHostname", "no listener hostname intersects the route's hostnames")
        }
        return Condition("Accepted", true, "Accepted")
    }

    private func allowsNamespace(_ allowed: AllowedRoutes, routeNamespace: String, gatewayNamespace: String) -> Bool {
        switch allowed.namespacesFrom {
        case "All": return true
        case "Same": return routeNamespace == gatewayNamespace
        case "Selector": return allowed.namespaceSelector?.matches(index.namespaceLabels(routeNamespace)) ?? false
        default: return false
        }
    }

    private func allowsHTTPRoute(_ listener: Listener) -> Bool {
        guard listener.protocol == "HTTP" || listener.protocol == "HTTPS" else { return false }
        if listener.allowedRoutes.kinds.isEmpty { return true }
        return listener.allowedRoutes.kinds.contains { $0.group == APIGroup.gateway && $0.kind == "HTTPRoute" }
    }
}
