public struct HTTPBackendRef: Sendable, Hashable {
    /// "" (core) by default.
    public var group: String
    /// `Service` by default.
    public var kind: String
    public var name: String
    public var namespace: String?
    public var port: Int?
    /// 1 by default; 0 sends no traffic.
    public var weight: Int
    public var filters: [HTTPRouteFilter]
    public var location: SourceLocation

    public init(group: String, kind: String, name: String, namespace: String?, port: Int?, weight: Int, filters: [HTTPRouteFilter], location: SourceLocation) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.port = port
        self.weight = weight
        self.filters = filters
        self.location = location
    }

    /// The object this reference designates, resolved against the referring object's namespace.
    public func target(defaultNamespace: String) -> ObjectKey {
        ObjectKey(group: group, kind: kind, namespace: namespace ?? defaultNamespace, name: name)
    }
}
