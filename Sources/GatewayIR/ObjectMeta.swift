/// The parts of `metadata` that routing and checks depend on.
public struct ObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// RFC 3339 text as written; absent in most manifests (the API server sets it).
    public var creationTimestamp: String?
    /// Where the object's document starts.
    public var location: SourceLocation
    /// Where `metadata.name` is written (falls back to the document).
    public var nameLocation: SourceLocation

    public init(
        name: String, namespace: String, labels: [String: String] = [:], annotations: [String: String] = [:],
        creationTimestamp: String? = nil, location: SourceLocation = .unknown, nameLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.creationTimestamp = creationTimestamp
        self.location = location
        self.nameLocation = nameLocation ?? location
    }
}
