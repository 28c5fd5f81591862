/// What the gateway does with a request after the lookup.
public struct RouteDecision: Sendable {
    public enum Action: Sendable, Hashable {
        /// No listener or no rule: 404.
        case notFound
        /// The rule is invalid, or the chosen backendRef resolves nowhere: 500.
        case invalidBackend(reason: String)
        /// A RequestRedirect filter: 3xx with this Location.
        case redirect(status: Int, location: String)
        /// Forward to this backendRef (record index in the backend-refs section).
        case forward(backendRef: Int)
    }

    /// What the lookup found: nil when no listener took the request; without a rule when a
    /// listener did but none of its routes' rules matched.
    public var match: RouteMatch?
    public var action: Action

    /// The HTTP status the gateway answers with, 200 standing for "forwarded".
    public var status: Int {
        switch action {
        case .notFound: 404
        case .invalidBackend: 500
        case .redirect(let status, _): status
        case .forward: 200
        }
    }
}
