/// Bounds that keep hostile input from hanging or exhausting gwc.
public struct LoadLimits: Sendable {
    /// Deepest nesting of mappings and sequences accepted. Kubernetes objects rarely pass 20.
    public var maxDepth: Int = 256
    /// Total nodes that alias expansion may add to a file, beyond the nodes written in it.
    public var maxAliasExpansion: Int = 100_000

    public init() {}
    public static let standard = LoadLimits()
}
