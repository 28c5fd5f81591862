import GatewayIR

/// Objects by identity, built once per lint run. When an object is defined twice the first
/// definition wins and the duplicate is reported.
public struct ResourceIndex: Sendable {
    public let resources: ResourceSet
    public private(set) var gateways: [ObjectKey: Gateway] = [:]
    public private(set) var routes: [ObjectKey: HTTPRoute] = [:]
    public private(set) var secrets: [ObjectKey: Secret] = [:]
    public private(set) var services: [ObjectKey: Service] = [:]
    public private(set) var namespaces: [String: Namespace] = [:]
    public private(set) var backends: [ObjectKey: AgentgatewayBackend] = [:]
    public private(set) var budgets: [ObjectKey: Budget] = [:]
    public private(set) var configMaps: [ObjectKey: ConfigMap] = [:]
    public private(set) var gatewayClasses: [String: GatewayClass] = [:]
    public private(set) var duplicates: [Diagnostic] = []

    public init(_ resources: ResourceSet) {
        self.resources = resources
        gateways.reserveCapacity(resources.gateways.count)
        routes.reserveCapacity(resources.httpRoutes.count)
        secrets.reserveCapacity(resources.secrets.count)
        services.reserveCapacity(resources.services.count)
        backends.reserveCapacity(resources.backends.count)
        func insert<T>(_ items: [T], key: (T) -> ObjectKey, meta: (T) -> ObjectMeta, into table: inout [ObjectKey: T], duplicates: inout [Diagnostic]) {
            for item in items {
                let itemKey = key(item)
                if let first = table[itemKey] {
                    duplicates.append(Diagnostic(
                        .duplicateObject, "\(itemKey.kind) \(itemKey.namespacedName) is defined twice", at: meta(item).location,
                        notes: [DiagnosticNote("first definition", at: meta(first).location)],
                        fix: "remove one definition; `kubectl apply` would keep only the last", object: itemKey.description))
                } else {
                    table[itemKey] = item
                }
            }
        }
        insert(resources.gateways, key: \.key, meta: \.meta, into: &gateways, duplicates: &duplicates)
        insert(resources.httpRoutes, key: \.key, meta: \.meta, into: &routes, duplicates: &duplicates)
        insert(resources.backends, key: \.key, meta: \.meta, into: &backends, duplicates: &duplicates)
        insert(resources.budgets, key: \.key, meta: \.meta, into: &budgets, duplicates: &duplicates)
        insert(resources.secrets, key: { ObjectKey(group: "", kind: "Secret", namespace: $0.meta.namespace, name: $0.meta.name) }, meta: \.meta, into: &secrets, duplicates: &duplicates)
        insert(resources.services, key: { ObjectKey(group: "", kind: "Service", namespace: $0.meta.namespace, name: $0.meta.name) }, meta: \.meta, into: &services, duplicates: &duplicates)
        insert(resources.configMaps, key: { ObjectKey(group: "", kind: "ConfigMap", namespace: $0.meta.namespace, name: $0.meta.name) }, meta: \.meta, into: &configMaps, duplicates: &duplicates)
        for namespace in resources.namespaces where namespaces[namespace.meta.name] == nil { namespaces[namespace.meta.name] = namespace }
        for gatewayClass in resources.gatewayClasses where gatewayClasses[gatewayClass.meta.name] == nil { gatewayClasses[gatewayClass.meta.name] = gatewayClass }
    }

    /// Whether a policy's (or a Budget's) targetRef in `namespace` names an object that is here:
    /// a Gateway (and its listener, with `sectionName`), an HTTPRoute, an AgentgatewayBackend, a Service.
    public func targetExists(_ target: AgentgatewayPolicy.TargetRef, namespace: String) -> Bool {
        let key = ObjectKey(group: target.group, kind: target.kind, namespace: namespace, name: target.name)
        switch (target.group, target.kind) {
        case (APIGroup.gateway, "Gateway"):
            guard let gateway = gateways[key] else { return false }
            return target.sectionName.map { section in gateway.listeners.contains { $0.name == section } } ?? true
        case (APIGroup.gateway, "HTTPRoute"): return routes[key] != nil
        case (APIGroup.agentgateway, "AgentgatewayBackend"): return backends[key] != nil
        case ("", "Service"): return services[key] != nil
        default: return false
        }
    }

    public func secret(namespace: String, name: String) -> Secret? {
        secrets[ObjectKey(group: "", kind: "Secret", namespace: namespace, name: name)]
    }

    /// Labels of a namespace. Kubernetes labels every namespace with its own name, so a selector
    /// on `kubernetes.io/metadata.name` works even when the Namespace object is not among the inputs.
    public func namespaceLabels(_ name: String) -> [String: String] {
        var labels = namespaces[name]?.meta.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = name
        return labels
    }

    /// Whether a ReferenceGrant lets `from` refer to `target` across namespaces.
    public func referenceGranted(fromGroup: String, fromKind: String, fromNamespace: String, to target: ObjectKey) -> Bool {
        resources.referenceGrants.contains { $0.permits(fromGroup: fromGroup, fromKind: fromKind, fromNamespace: fromNamespace, target: target) }
    }
}
