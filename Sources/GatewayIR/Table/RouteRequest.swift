/// What the lookup needs of a request. Header names compare case-insensitively; query
/// parameter names compare exactly, and the first value of a repeated parameter counts.
public struct RouteRequest: Sendable {
    public var port: Int
    /// The Host header; a `:port` suffix is ignored.
    public var host: String
    public var method: String
    /// The path without the query string, as received.
    public var path: String
    public var headers: [(name: String, value: String)]
    public var query: [(name: String, value: String)]

    public init(port: Int, host: String, method: String = "GET", path: String, headers: [(name: String, value: String)] = [], query: [(name: String, value: String)] = []) {
        self.port = port
        self.host = host
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
    }

    /// Splits a raw query string (`a=b&c=d`) into pairs.
    public static func parseQuery(_ raw: String) -> [(name: String, value: String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }
}

/// Where a request landed: the listener, and the rule and match that won, or nothing.
public struct RouteMatch: Sendable, Hashable {
    public var gateway: Int
    public var listener: Int
    /// Record indices in the rules and matches sections; nil when no rule matched (404).
    public var rule: Int?
    public var match: Int?
    /// The host entry (route hostname) the winning match was found under.
    public var hostEntry: Int?
}
