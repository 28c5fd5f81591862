public struct HTTPRouteRule: Sendable, Hashable {
    public var name: String?
    public var matches: [HTTPRouteMatch]
    public var filters: [HTTPRouteFilter]
    public var backendRefs: [HTTPBackendRef]
    public var timeouts: HTTPRouteTimeouts?
    public var location: SourceLocation

    public init(
        name: String?, matches: [HTTPRouteMatch], filters: [HTTPRouteFilter], backendRefs: [HTTPBackendRef],
        timeouts: HTTPRouteTimeouts?, location: SourceLocation
    ) {
        self.name = name
        self.matches = matches
        self.filters = filters
        self.backendRefs = backendRefs
        self.timeouts = timeouts
        self.location = location
    }
}

public struct HTTPRouteTimeouts: Sendable, Hashable {
    public var request: String?
    public var backendRequest: String?
    public init(request: String?, backendRequest: String?) {
        self.request = request
        self.backendRequest = backendRequest
    }
}

public struct HTTPRouteMatch: Sendable, Hashable {
    public var path: PathMatch
    public var headers: [ValueMatch]
    public var queryParams: [ValueMatch]
    public var method: String?
    public var location: SourceLocation

    public init(path: PathMatch, headers: [ValueMatch], queryParams: [ValueMatch], method: String?, location: SourceLocation) {
        self.path = path
        self.headers = headers
        self.queryParams = queryParams
        self.method = method
        self.location = location
    }

    /// `{path: {type: PathPrefix, value: /}}`, the default match.
    public static func matchAll(at location: SourceLocation) -> HTTPRouteMatch {
        HTTPRouteMatch(path: PathMatch(type: "PathPrefix", value: "/", location: location), headers: [], queryParams: [], method: nil, location: location)
    }
}

public struct PathMatch: Sendable, Hashable {
    /// `Exact`, `PathPrefix` (the default) or `RegularExpression`.
    public var type: String
    public var value: String
    public var location: SourceLocation
    public init(type: String, value: String, location: SourceLocation) {
        self.type = type
        self.value = value
        self.location = location
    }
}

/// A header or query-parameter match.
public struct ValueMatch: Sendable, Hashable {
    /// `Exact` (the default) or `RegularExpression`.
    public var type: String
    public var name: String
    public var value: String
    public var location: SourceLocation
    public init(type: String, name: String, value: String, location: SourceLocation) {
        self.type = type
        self.name = name
        self.value = value
        self.location = location
    }
}
