/// An authentication policy as the pipeline runs it (`AuthenticationStage`).
protocol ClientAuthenticator: Sendable {
    /// `namespace/name` of the policy.
    var policy: String { get }
    func authenticate(_ request: IncomingRequest) -> AuthenticationOutcome
    /// The header the credential arrives in: it is not forwarded upstream.
    var credentialHeader: String? { get }
    /// The `WWW-Authenticate` value of a 401.
    var challenge: String { get }
}
