/// `gateway.networking.k8s.io` HTTPRoute, CRD defaults applied.
public struct HTTPRoute: Sendable, Hashable {
    public var meta: ObjectMeta
    public var parentRefs: [ParentReference]
    public var hostnames: [String]
    public var rules: [HTTPRouteRule]

    public init(meta: ObjectMeta, parentRefs: [ParentReference], hostnames: [String], rules: [HTTPRouteRule]) {
        self.meta = meta
        self.parentRefs = parentRefs
        self.hostnames = hostnames
        self.rules = rules
    }

    public var key: ObjectKey { ObjectKey(group: APIGroup.gateway, kind: "HTTPRoute", namespace: meta.namespace, name: meta.name) }
}

public struct ParentReference: Sendable, Hashable {
    public var group: String
    public var kind: String
    public var namespace: String?
    public var name: String
    public var sectionName: String?
    public var port: Int?
    public var location: SourceLocation

    public init(group: String, kind: String, namespace: String?, name: String, sectionName: String?, port: Int?, location: SourceLocation) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.sectionName = sectionName
        self.port = port
        self.location = location
    }
}
