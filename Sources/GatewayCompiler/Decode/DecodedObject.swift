import GatewayIR

/// The result of decoding every input: typed objects plus what went wrong along the way.
public struct DecodeResult: Sendable {
    public var resources = ResourceSet()
    public var diagnostics: [Diagnostic] = []
    /// Number of Kubernetes objects and Hermes configs read.
    public var objectCount = 0
    public var documentCount = 0
    public init() {}

    /// Appends another file's result after this one's.
    mutating func merge(_ other: DecodeResult) {
        resources.gatewayClasses += other.resources.gatewayClasses
        resources.gateways += other.resources.gateways
        resources.httpRoutes += other.resources.httpRoutes
        resources.referenceGrants += other.resources.referenceGrants
        resources.secrets += other.resources.secrets
        resources.services += other.resources.services
        resources.namespaces += other.resources.namespaces
        resources.backends += other.resources.backends
        resources.policies += other.resources.policies
        resources.budgets += other.resources.budgets
        resources.backendTLSPolicies += other.resources.backendTLSPolicies
        resources.configMaps += other.resources.configMaps
        resources.hermesConfigs += other.resources.hermesConfigs
        resources.gwrunDeployments += other.resources.gwrunDeployments
        resources.skippedKinds.merge(other.resources.skippedKinds, uniquingKeysWith: +)
        diagnostics += other.diagnostics
        objectCount += other.objectCount
        documentCount += other.documentCount
    }
}
