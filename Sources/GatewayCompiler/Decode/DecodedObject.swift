import GatewayIR

/// The result of decoding every input: typed objects plus what went wrong along the way.
public struct DecodeResult: Sendable {
    public var resources = ResourceSet()
    public var diagnostics: [Diagnostic] = []
    /// Number of Kubernetes objects and Hermes configs read.
    public var objectCount = 0
    public var documentCount = 0
    public init() {}
}
