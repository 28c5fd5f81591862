/// `gateway.networking.k8s.io` Gateway with its listeners, CRD defaults applied.
public struct Gateway: Sendable, Hashable {
    public var meta: ObjectMeta
    public var gatewayClassName: String
    public var gatewayClassNameLocation: SourceLocation
    public var listeners: [Listener]

    public init(meta: ObjectMeta, gatewayClassName: String, gatewayClassNameLocation: SourceLocation, listeners: [Listener]) {
        self.meta = meta
        self.gatewayClassName = gatewayClassName
        self.gatewayClassNameLocation = gatewayClassNameLocation
        self.listeners = listeners
    }

    public var key: ObjectKey { ObjectKey(group: APIGroup.gateway, kind: "Gateway", namespace: meta.namespace, name: meta.name) }
}
