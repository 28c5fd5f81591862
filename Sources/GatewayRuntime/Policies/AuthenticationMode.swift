/// How an authentication policy treats a request without a valid credential (the CRD's `mode`).
enum AuthenticationMode: Sendable {
    /// A valid credential is required.
    case strict
    /// A credential, when present, must be valid; a request without one passes anonymously.
    case optional
    /// Never refuses: a valid credential identifies the client, anything else passes anonymously.
    case permissive

    /// Unknown text counts as Strict: a typo must not open the route.
    init(_ text: String) {
        switch text {
        case "Optional": self = .optional
        case "Permissive": self = .permissive
        default: self = .strict
        }
    }

    /// What a request gets when its credential is missing (`present` false) or does not verify.
    func outcomeWithoutValidCredential(present: Bool, reason: String) -> AuthenticationOutcome {
        switch (self, present) {
        case (.strict, _), (.optional, true): .refused(reason)
        case (.optional, false), (.permissive, _): .anonymous
        }
    }
}

/// One authentication policy's verdict on a request.
enum AuthenticationOutcome: Sendable, Equatable {
    case authenticated(ClientIdentity)
    case anonymous
    /// 401; the reason names what was wrong, never the credential.
    case refused(String)
}
