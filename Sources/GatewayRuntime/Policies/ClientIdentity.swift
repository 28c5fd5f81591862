/// Who a request's client is, once an authentication policy accepted it. Every later stage and
/// the access log see it; it never holds the credential itself.
public struct ClientIdentity: Sendable, Equatable {
    public enum Method: String, Sendable { case apiKey = "api-key", basic, jwt }
    public var method: Method
    /// The API key's entry name in its Secret, the basic-auth user, a JWT's `sub`.
    public var subject: String
    /// The API key entry's `metadata` (JSON text); nil when there is none.
    public var metadata: String?
    /// The policy that accepted the client (`namespace/name`).
    public var policy: String
}
