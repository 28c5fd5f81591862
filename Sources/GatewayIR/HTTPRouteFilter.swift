public struct HTTPRouteFilter: Sendable, Hashable {
    public var type: String
    public var requestHeaderModifier: HeaderModifier?
    public var responseHeaderModifier: HeaderModifier?
    public var requestRedirect: RequestRedirect?
    public var urlRewrite: URLRewrite?
    public var requestMirror: HTTPBackendRef?
    public var extensionRef: LocalObjectReference?
    /// The `CORS` filter: Gateway API's HTTPCORSFilter, the type an AgentgatewayPolicy's `traffic.cors` inlines.
    public var cors: AgentgatewayPolicy.CORS?
    /// A RequestMirror's share of requests (`percent`, or `fraction`): numerator over denominator; nil mirrors all.
    public var mirrorNumerator: Int?
    public var mirrorDenominator: Int?
    public var location: SourceLocation

    public init(type: String, location: SourceLocation) {
        self.type = type
        self.location = location
    }
}

public struct HeaderModifier: Sendable, Hashable {
    public var set: [HeaderValue]
    public var add: [HeaderValue]
    public var remove: [String]
    public init(set: [HeaderValue], add: [HeaderValue], remove: [String]) {
        self.set = set
        self.add = add
        self.remove = remove
    }
}

public struct HeaderValue: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct PathModifier: Sendable, Hashable {
    /// `ReplaceFullPath` or `ReplacePrefixMatch`.
    public var type: String
    public var replaceFullPath: String?
    public var replacePrefixMatch: String?
    public init(type: String, replaceFullPath: String?, replacePrefixMatch: String?) {
        self.type = type
        self.replaceFullPath = replaceFullPath
        self.replacePrefixMatch = replacePrefixMatch
    }
}

public struct RequestRedirect: Sendable, Hashable {
    public var scheme: String?
    public var hostname: String?
    public var path: PathModifier?
    public var port: Int?
    public var statusCode: Int
    public init(scheme: String?, hostname: String?, path: PathModifier?, port: Int?, statusCode: Int) {
        self.scheme = scheme
        self.hostname = hostname
        self.path = path
        self.port = port
        self.statusCode = statusCode
    }
}

public struct URLRewrite: Sendable, Hashable {
    public var hostname: String?
    public var path: PathModifier?
    public init(hostname: String?, path: PathModifier?) {
        self.hostname = hostname
        self.path = path
    }
}

public struct LocalObjectReference: Sendable, Hashable {
    public var group: String
    public var kind: String
    public var name: String
    public init(group: String, kind: String, name: String) {
        self.group = group
        self.kind = kind
        self.name = name
    }
}
