/// `gateway.networking.k8s.io` ReferenceGrant (v1 and v1beta1 share this shape).
public struct ReferenceGrant: Sendable, Hashable {
    public struct From: Sendable, Hashable {
        public var group: String
        public var kind: String
        public var namespace: String
        public init(group: String, kind: String, namespace: String) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
        }
    }
    public struct To: Sendable, Hashable {
        public var group: String
        public var kind: String
        public var name: String?
        public init(group: String, kind: String, name: String?) {
            self.group = group
            self.kind = kind
            self.name = name
        }
    }

    public var meta: ObjectMeta
    public var from: [From]
    public var to: [To]

    public init(meta: ObjectMeta, from: [From], to: [To]) {
        self.meta = meta
        self.from = from
        self.to = to
    }

    /// Whether this grant lets an object of `fromGroup`/`fromKind` in `fromNamespace` refer to `target`.
    /// The grant must live in the target's namespace; every field must match exactly.
    public func permits(fromGroup: String, fromKind: String, fromNamespace: String, target: ObjectKey) -> Bool {
        guard meta.namespace == target.namespace else { return false }
        guard from.contains(where: { $0.group == fromGroup && $0.kind == fromKind && $0.namespace == fromNamespace }) else { return false }
        return to.contains { $0.group == target.group && $0.kind == target.kind && ($0.name == nil || $0.name == target.name) }
    }
}
