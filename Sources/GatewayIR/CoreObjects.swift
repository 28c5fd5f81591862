/// Core v1 Secret. Values stay wrapped in `SecretValue`.
public struct Secret: Sendable, Hashable {
    public var meta: ObjectMeta
    public var type: String
    /// `data` (decoded from base64) merged with `stringData`, which wins as the API server does.
    public var values: [String: SecretValue]
    /// Where each key is written, for diagnostics.
    public var keyLocations: [String: SourceLocation]
    /// `data` keys whose value is not base64 (reported once, when decoding).
    public var undecodableKeys: Set<String>

    public init(meta: ObjectMeta, type: String, values: [String: SecretValue], keyLocations: [String: SourceLocation], undecodableKeys: Set<String> = []) {
        self.undecodableKeys = undecodableKeys
        self.meta = meta
        self.type = type
        self.values = values
        self.keyLocations = keyLocations
    }
}

/// Core v1 Service: only what backend resolution needs.
public struct Service: Sendable, Hashable {
    public struct Port: Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var appProtocol: String?
        public init(name: String?, port: Int, appProtocol: String?) {
            self.name = name
            self.port = port
            self.appProtocol = appProtocol
        }
    }
    public var meta: ObjectMeta
    public var type: String
    public var ports: [Port]
    public init(meta: ObjectMeta, type: String, ports: [Port]) {
        self.meta = meta
        self.type = type
        self.ports = ports
    }
}

/// Core v1 Namespace: its labels feed `allowedRoutes.namespaces.selector`.
public struct Namespace: Sendable, Hashable {
    public var meta: ObjectMeta
    public init(meta: ObjectMeta) { self.meta = meta }
}
