import GatewayIR

/// Gateway API's HTTPCORSFilter (the `CORS` filter, and an AgentgatewayPolicy's `traffic.cors`),
/// as its field descriptions say: an allowed `Origin` is echoed (never `*` with credentials), a
/// preflight is answered by the gateway (204 with the allowed methods, headers, exposed headers and max age; an
/// origin not allowed gets the 204 without them, so the browser refuses), the real answer gets
/// `access-control-allow-origin`, `-allow-credentials` and `-expose-headers`, and `vary: origin`.
struct CORSPolicy: Sendable {
    let origins: [String]
    let methods: [String]
    let allowHeaders: [String]
    let exposeHeaders: [String]
    let maxAge: Int
    let allowCredentials: Bool

    init(origins: [String], methods: [String], allowHeaders: [String], exposeHeaders: [String], maxAge: Int, allowCredentials: Bool) {
        self.origins = origins
        self.methods = methods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    init(_ record: RouteTable.PolicyRecord) {
        self.init(
            origins: record.corsOrigins, methods: record.corsMethods, allowHeaders: record.corsAllowHeaders, exposeHeaders: record.corsExposeHeaders,
            maxAge: Int(record.corsMaxAge), allowCredentials: record.corsAllowCredentials)
    }

    /// Whether `origin` is allowed (`CORSOrigins`, the matching `gwc route` uses too).
    func allows(_ origin: String) -> Bool { CORSOrigins(origins).allows(origin) }

    /// The answer to a preflight from `origin` asking for `method` and `headers`.
    func preflight(origin: String, method: String, headers: String?) -> GatewayResponse {
        var answer = GatewayResponse(status: 204, headers: [("vary", "origin")])
        guard allows(origin) else { return answer }
        answer.headers += allowOrigin(origin)
        let wildcardMethods = methods.contains("*")
        answer.headers.append(("access-control-allow-methods", wildcardMethods ? (allowCredentials ? method : "*") : methods.joined(separator: ", ")))
        if allowHeaders.contains("*") {
            if let headers, !headers.isEmpty { answer.headers.append(("access-control-allow-headers", allowCredentials ? headers : "*")) }
        } else if !allowHeaders.isEmpty {
            answer.headers.append(("access-control-allow-headers", allowHeaders.joined(separator: ", ")))
        }
        answer.headers += exposed
        answer.headers.append(("access-control-max-age", String(maxAge)))
        return answer
    }

    /// Headers for the real answer to a request from `origin` (none when it is not allowed).
    func answerHeaders(origin: String) -> [(name: String, value: String)] {
        guard allows(origin) else { return [("vary", "origin")] }
        return allowOrigin(origin) + [("vary", "origin")] + exposed
    }

    /// `access-control-expose-headers`, on preflights too (the conformance suite expects it there);
    /// never `*` with credentials.
    private var exposed: [(name: String, value: String)] {
        guard !exposeHeaders.isEmpty, !(allowCredentials && exposeHeaders.contains("*")) else { return [] }
        return [("access-control-expose-headers", exposeHeaders.joined(separator: ", "))]
    }

    private func allowOrigin(_ origin: String) -> [(name: String, value: String)] {
        var headers = [("access-control-allow-origin", origins.contains("*") && !allowCredentials ? "*" : origin)]
        if allowCredentials { headers.append(("access-control-allow-credentials", "true")) }
        return headers
    }
}
