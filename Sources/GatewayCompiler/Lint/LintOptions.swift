/// Settings of a lint run.
public struct LintOptions: Sendable {
    /// The controller gwc stands in for.
    public var controllerName = "agentgateway.dev/agentgateway"
    /// GatewayClass names treated as this controller's even without a GatewayClass object.
    public var gatewayClassNames: Set<String> = ["agentgateway"]
    /// Namespace for objects that name none.
    public var defaultNamespace = "default"
    /// Environment used to expand `${VAR}` in Hermes configs.
    public var environment: [String: String] = [:]

    public init() {}
}
