/// Every object gwc decoded from its inputs, in the order met. Lookups go through `ResourceIndex`.
public struct ResourceSet: Sendable, Hashable {
    public var gatewayClasses: [GatewayClass] = []
    public var gateways: [Gateway] = []
    public var httpRoutes: [HTTPRoute] = []
    public var referenceGrants: [ReferenceGrant] = []
    public var secrets: [Secret] = []
    public var services: [Service] = []
    public var namespaces: [Namespace] = []
    public var backends: [AgentgatewayBackend] = []
    public var policies: [AgentgatewayPolicy] = []
    public var budgets: [Budget] = []
    public var backendTLSPolicies: [BackendTLSPolicy] = []
    public var configMaps: [ConfigMap] = []
    public var hermesConfigs: [HermesConfig] = []
    /// Deployments that run gwrun (`gwc lint` checks their options, probes and mounts).
    public var gwrunDeployments: [GwrunDeployment] = []
    /// Objects of kinds gwc does not model, by `apiVersion/kind`, with a count.
    public var skippedKinds: [String: Int] = [:]

    public init() {}
}
