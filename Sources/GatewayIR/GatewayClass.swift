/// `gateway.networking.k8s.io` GatewayClass.
public struct GatewayClass: Sendable, Hashable {
    public var meta: ObjectMeta
    public var controllerName: String
    public init(meta: ObjectMeta, controllerName: String) {
        self.meta = meta
        self.controllerName = controllerName
    }
}
