/// Identity of a Kubernetes object: API group, kind, namespace and name.
/// The core group is the empty string, as Gateway API references spell it.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`, the form controllers use in messages.
    public var namespacedName: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public var description: String { "\(kind) \(namespacedName)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }
}

/// API groups and kinds gwc understands.
public enum APIGroup {
    public static let core = ""
    public static let gateway = "gateway.networking.k8s.io"
    public static let agentgateway = "agentgateway.dev"
}
