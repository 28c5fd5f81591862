import GatewayIR

public struct ListenerStatus: Sendable, Hashable {
    public var name: String
    public var supportedKinds: [RouteGroupKind]
    public var attachedRoutes: Int
    public var conditions: [Condition]
}

public struct GatewayStatus: Sendable, Hashable {
    public var key: ObjectKey
    public var conditions: [Condition]
    public var listeners: [ListenerStatus]
}

public struct RouteParentStatus: Sendable, Hashable {
    public var parentRef: ParentReference
    /// Namespace the parentRef resolves to.
    public var parentNamespace: String
    public var conditions: [Condition]
}

public struct RouteStatus: Sendable, Hashable {
    public var key: ObjectKey
    public var parents: [RouteParentStatus]
}

/// A route accepted by a listener, with the hostnames it serves there.
public struct Attachment: Sendable, Hashable {
    public var route: ObjectKey
    public var gateway: ObjectKey
    public var listenerName: String
    public var port: Int
    /// Empty means every hostname.
    public var hostnames: [String]
}

public struct BackendStatus: Sendable, Hashable {
    public var key: ObjectKey
    public var conditions: [Condition]
}

public struct PolicyAncestorStatus: Sendable, Hashable {
    public var ancestorRef: ObjectKey
    public var conditions: [Condition]
}

public struct PolicyStatus: Sendable, Hashable {
    public var key: ObjectKey
    public var ancestors: [PolicyAncestorStatus]
}

/// Everything a controller would write back, plus what gwc learned for later checks.
public struct StatusReport: Sendable {
    public var gateways: [GatewayStatus] = []
    public var routes: [RouteStatus] = []
    public var backends: [BackendStatus] = []
    public var policies: [PolicyStatus] = []
    public var attachments: [Attachment] = []
    /// Rules dropped as invalid, by route and rule index.
    public var invalidRules: Set<RuleID> = []
    /// backendRefs that resolve nowhere (their share of traffic gets 500), by route, rule and ref index.
    public var invalidBackendRefs: Set<BackendRefID> = []
    /// Backends that fail translation (missing Secret, ...); routes to them answer 500.
    public var failedBackends: Set<ObjectKey> = []
    public init() {}
}

public struct RuleID: Sendable, Hashable {
    public var route: ObjectKey
    public var rule: Int
    public init(route: ObjectKey, rule: Int) {
        self.route = route
        self.rule = rule
    }
}

public struct BackendRefID: Sendable, Hashable {
    public var route: ObjectKey
    public var rule: Int
    public var ref: Int
}
