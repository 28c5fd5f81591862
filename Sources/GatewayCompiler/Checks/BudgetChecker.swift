import GatewayIR

/// What a Budget's schema cannot say (docs/budgets.md): targets that exist (GW405), limits with
/// exactly one of tokens and cost (GW403), amounts, prices and a time zone gwrun can use, a
/// price for every model a cost limit meets (GW424), and an identity to keep budgets apart:
/// on traffic no client authentication names, every request shares one budget (GW425); and
/// tokens to charge: traffic that reaches no AI provider reports none (GW426).
struct BudgetChecker {
    let index: ResourceIndex
    let report: StatusReport
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        guard !index.resources.budgets.isEmpty else { return }
        let authenticated = authenticatedTargets()
        for budget in index.resources.budgets.sorted(by: { $0.key < $1.key }) { check(budget, authenticated: authenticated) }
    }

    private mutating func check(_ budget: Budget, authenticated: Set<String>) {
        let object = budget.key.description
        func invalid(_ message: String, at location: SourceLocation, fix: String) {
            diagnostics.append(Diagnostic(.invalidBudget, message, at: location, fix: fix, object: object))
        }
        for target in budget.targetRefs where !index.targetExists(target, namespace: budget.meta.namespace) {
            let what = target.sectionName.map { "\(target.kind) \(budget.meta.namespace)/\(target.name) section \"\($0)\"" } ?? "\(target.kind) \(budget.meta.namespace)/\(target.name)"
            diagnostics.append(Diagnostic(
                .policyTargetNotFound, "budget targets \(what), which does not exist, so the budget limits nothing", at: target.location,
                fix: "fix the targetRef's group, kind and name (the budget's namespace is \(budget.meta.namespace))", object: object))
        }
        if BudgetCalendar(zone: budget.timeZone) == nil {
            invalid("timeZone \"\(budget.timeZone)\" is not an IANA time zone gwrun knows, so no window can start", at: budget.timeZoneLocation ?? budget.meta.location,
                    fix: "use a name such as UTC, Europe/Berlin or America/New_York")
        }
        for limit in budget.limits {
            if (limit.tokens == nil) == (limit.cost == nil) {
                diagnostics.append(Diagnostic(
                    .exclusiveFields, "a budget limit needs exactly one of `tokens` and `cost`", at: limit.location,
                    fix: "keep one: `tokens: 1000000` or `cost: \"25.00\"`", object: object))
            }
            if let cost = limit.cost {
                if Budget.micros(cost) == nil {
                    invalid("cost \"\(cost)\" is not a decimal amount gwrun can count exactly", at: limit.location, fix: "write a plain decimal below 1000000 with at most six places, such as \"25.00\"")
                } else if !budget.prices.contains(where: { $0.model == "*" }) {
                    invalid("a cost limit needs a price for every model, and the budget has no `model: \"*\"` price: a request for an unlisted model could not be charged",
                            at: limit.location, fix: "add a price with `model: \"*\"` for the models not listed")
                }
            }
        }
        var seen = Set<String>()
        for price in budget.prices {
            if !seen.insert(price.model).inserted {
                invalid("model \"\(price.model)\" is priced twice", at: price.location, fix: "keep one price per model")
            }
            for (field, amount) in [("input", price.input), ("output", price.output)] where Budget.micros(amount) == nil {
                invalid("price `\(field)` \"\(amount)\" is not a decimal amount gwrun can count exactly", at: price.location, fix: "write a plain decimal below 1000000 with at most six places, such as \"2.50\"")
            }
        }
        let existing = budget.targetRefs.filter { index.targetExists($0, namespace: budget.meta.namespace) }
        if let target = existing.first(where: { !reachesAI($0, namespace: budget.meta.namespace) }) {
            diagnostics.append(Diagnostic(
                .budgetNeverCharged,
                "\(target.kind) \(budget.meta.namespace)/\(target.name) reaches no AI provider (AgentgatewayBackend with `ai`): its answers report no tokens, so this budget is never charged",
                at: target.location, fix: "target the HTTPRoute, Gateway or AgentgatewayBackend that carries the AI traffic", object: object))
        }
        let anonymous = budget.targetRefs.filter { index.targetExists($0, namespace: budget.meta.namespace) && !covered($0, namespace: budget.meta.namespace, authenticated) }
        if let target = anonymous.first {
            diagnostics.append(Diagnostic(
                .budgetWithoutIdentity,
                "no client authentication policy names the clients of \(target.kind) \(budget.meta.namespace)/\(target.name): their requests all count against one shared budget (identity \"anonymous\")",
                at: target.location, fix: "add an AgentgatewayPolicy with apiKeyAuthentication, jwtAuthentication or basicAuthentication on the same target, or on its Gateway",
                object: object))
        }
    }

    /// Whether traffic through `target` can reach an AI backend (whose answers report tokens).
    private func reachesAI(_ target: AgentgatewayPolicy.TargetRef, namespace: String) -> Bool {
        func routeReachesAI(_ route: HTTPRoute, rule: String? = nil) -> Bool {
            route.rules.filter { rule == nil || $0.name == rule }.flatMap(\.backendRefs).contains { ref in
                guard ref.group == APIGroup.agentgateway, let backend = index.backends[ref.target(defaultNamespace: route.meta.namespace)], case .ai = backend.kind else { return false }
                return true
            }
        }
        switch target.kind {
        case "HTTPRoute":
            guard let route = index.routes[ObjectKey(group: APIGroup.gateway, kind: "HTTPRoute", namespace: namespace, name: target.name)] else { return true }
            return routeReachesAI(route, rule: target.sectionName)
        case "Gateway":
            return report.attachments.contains { attachment in
                attachment.gateway.namespace == namespace && attachment.gateway.name == target.name
                    && (target.sectionName == nil || attachment.listenerName == target.sectionName)
                    && index.routes[attachment.route].map { routeReachesAI($0) } == true
            }
        case "AgentgatewayBackend":
            guard let backend = index.backends[ObjectKey(group: APIGroup.agentgateway, kind: "AgentgatewayBackend", namespace: namespace, name: target.name)], case .ai = backend.kind else { return false }
            return true
        default:
            return true
        }
    }

    /// `kind/namespace/name` (and `/section`) of every target a client authentication policy has.
    private func authenticatedTargets() -> Set<String> {
        var keys = Set<String>()
        for policy in index.resources.policies where policy.traffic?.authenticatesClients == true {
            for target in policy.targetRefs {
                keys.insert("\(target.kind)/\(policy.meta.namespace)/\(target.name)" + (target.sectionName.map { "/\($0)" } ?? ""))
            }
        }
        return keys
    }

    /// Whether clients reaching `target` meet an authentication: on it, on a Gateway an HTTPRoute
    /// attaches to, or on a route attached to a Gateway.
    private func covered(_ target: AgentgatewayPolicy.TargetRef, namespace: String, _ authenticated: Set<String>) -> Bool {
        let own = "\(target.kind)/\(namespace)/\(target.name)"
        if authenticated.contains(own) || target.sectionName.map({ authenticated.contains(own + "/" + $0) }) == true { return true }
        switch target.kind {
        case "HTTPRoute":
            let key = ObjectKey(group: APIGroup.gateway, kind: "HTTPRoute", namespace: namespace, name: target.name)
            return report.attachments.contains { $0.route == key && authenticated.contains("Gateway/\($0.gateway.namespace)/\($0.gateway.name)") }
        case "Gateway":
            return report.attachments.contains { attachment in
                attachment.gateway.namespace == namespace && attachment.gateway.name == target.name
                    && authenticated.contains("HTTPRoute/\(attachment.route.namespace)/\(attachment.route.name)")
            }
        default:
            return authenticated.contains { $0.hasPrefix("Gateway/") || $0.hasPrefix("HTTPRoute/") }
        }
    }
}
