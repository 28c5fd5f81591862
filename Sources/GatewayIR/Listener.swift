/// One listener of a Gateway.
public struct Listener: Sendable, Hashable {
    public var name: String
    public var hostname: String?
    public var port: Int
    /// `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP` or a domain-prefixed custom protocol.
    public var `protocol`: String
    public var tls: ListenerTLS?
    public var allowedRoutes: AllowedRoutes
    public var location: SourceLocation

    public init(
        name: String, hostname: String?, port: Int, protocol: String, tls: ListenerTLS?,
        allowedRoutes: AllowedRoutes, location: SourceLocation
    ) {
        self.name = name
        self.hostname = hostname
        self.port = port
        self.protocol = `protocol`
        self.tls = tls
        self.allowedRoutes = allowedRoutes
        self.location = location
    }
}

public struct ListenerTLS: Sendable, Hashable {
    /// `Terminate` (the default) or `Passthrough`.
    public var mode: String
    public var certificateRefs: [SecretObjectReference]
    public init(mode: String, certificateRefs: [SecretObjectReference]) {
        self.mode = mode
        self.certificateRefs = certificateRefs
    }
}

/// A reference to a Secret from a Gateway listener (`group` "" and `kind` Secret by default).
public struct SecretObjectReference: Sendable, Hashable {
    public var group: String
    public var kind: String
    public var name: String
    public var namespace: String?
    public var location: SourceLocation
    public init(group: String, kind: String, name: String, namespace: String?, location: SourceLocation) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.location = location
    }
}

public struct AllowedRoutes: Sendable, Hashable {
    /// `Same` (the default), `All` or `Selector`.
    public var namespacesFrom: String
    public var namespaceSelector: LabelSelector?
    public var kinds: [RouteGroupKind]
    public var location: SourceLocation

    public init(namespacesFrom: String = "Same", namespaceSelector: LabelSelector? = nil, kinds: [RouteGroupKind] = [], location: SourceLocation = .unknown) {
        self.namespacesFrom = namespacesFrom
        self.namespaceSelector = namespaceSelector
        self.kinds = kinds
        self.location = location
    }
}

public struct RouteGroupKind: Sendable, Hashable {
    public var group: String
    public var kind: String
    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }
}
