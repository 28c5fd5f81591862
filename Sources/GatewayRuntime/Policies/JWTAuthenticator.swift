import Foundation
import GatewayIR
import JWTKit

/// `traffic.jwtAuthentication`: a bearer token (from the policy's location) must be a JWT signed
/// by a key of one of the policy's providers (its inline JWKS), not expired (`exp` is required),
/// already valid (`nbf`), from the provider's `issuer` and for one of its `audiences` when they are
/// set; 60 s of clock skew are allowed, as agentgateway's JWT library allows. jwt-kit turns each
/// JWK into its verifier once per table load (`loadKeys`); a request is then checked without
/// suspending: the header's `alg` must be the key's (so `none`, or an HMAC forged with a public
/// key, never verifies), and its `kid`, when given, the key's.
final class JWTAuthenticator: ClientAuthenticator {
    struct Key: Sendable {
        /// nil when the JWK had none (a token without `kid` may match it).
        var kid: String?
        var algorithm: any JWTAlgorithm
    }

    struct Provider: Sendable {
        var issuer: String?
        var audiences: [String]
        var keys: [Key]
        /// `jwks.remote`: the keys fetched (and refreshed) from the provider's URL.
        var remote: RemoteKeySet?

        init(issuer: String?, audiences: [String], keys: [Key], remote: RemoteKeySet? = nil) {
            self.issuer = issuer
            self.audiences = audiences
            self.keys = keys
            self.remote = remote
        }

        var allKeys: [Key] { remote.map { keys + $0.keys } ?? keys }
    }

    let policy: String
    let mode: AuthenticationMode
    let reader: CredentialReader
    let providers: [Provider]
    static let leewaySeconds: Double = 60

    init(policy: String, mode: AuthenticationMode, reader: CredentialReader, providers: [Provider]) {
        self.policy = policy
        self.mode = mode
        self.reader = reader
        self.providers = providers
    }

    /// The verifiers of a JWKS document, through jwt-kit; a key it cannot use is named in the warning.
    static func loadKeys(jwks: String, policy: String) async -> (keys: [Key], warnings: [String]) {
        guard !jwks.isEmpty else { return ([], ["policy \(policy): a JWT provider has neither inline keys nor a remote key set: none of its tokens verifies"]) }
        guard let set = try? JSONDecoder().decode(JWKS.self, from: Data(jwks.utf8)) else {
            return ([], ["policy \(policy): a JWT provider's `jwks.inline` is not a JSON Web Key Set: none of its tokens verifies"])
        }
        var keys: [Key] = [], warnings: [String] = []
        for (index, original) in set.keys.enumerated() {
            var jwk = original
            let kid = jwk.keyIdentifier?.string
            jwk.keyIdentifier = JWKIdentifier(string: kid ?? "gwrun-key-\(index)")
            var made = 0
            for alg in candidateAlgorithms(jwk) {
                // One collection per algorithm: jwt-kit keeps the first algorithm a JWK without `alg` is used with.
                let collection = JWTKeyCollection()
                guard (try? await collection.add(jwk: jwk)) != nil,
                      let algorithm = try? await collection.getKey(for: jwk.keyIdentifier, alg: alg) else { continue }
                keys.append(Key(kid: kid, algorithm: algorithm))
                made += 1
            }
            if made == 0 { warnings.append("policy \(policy): JWK \(kid.map { "\"\($0)\"" } ?? "#\(index)") is not a public key gwrun can verify with; it is ignored") }
        }
        return (keys, warnings)
    }

    private static func candidateAlgorithms(_ jwk: JWK) -> [String] {
        if let alg = jwk.algorithm { return [alg.rawValue] }
        switch jwk.keyType {
        case .rsa: return ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case .ecdsa:
            switch jwk.curve?.rawValue {
            case "P-256": return ["ES256"]
            case "P-384": return ["ES384"]
            case "P-521": return ["ES512"]
            default: return []
            }
        case .octetKeyPair: return ["EdDSA"]
        default: return []
        }
    }

    func authenticate(_ request: IncomingRequest) -> AuthenticationOutcome {
        guard let token = reader.read(headers: request.headers, query: request.query) else { return mode.outcomeWithoutValidCredential(present: false, reason: "no bearer token") }
        switch verify(token, now: Date().timeIntervalSince1970) {
        case .success(let identity): return .authenticated(identity)
        case .failure(let reason): return mode.outcomeWithoutValidCredential(present: true, reason: reason.text)
        }
    }

    struct Refusal: Error { var text: String }

    /// The token's identity, or why it does not verify (never quoting the token).
    func verify(_ token: String, now: Double) -> Result<ClientIdentity, Refusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let payloadBytes = Self.base64URL(parts[1]), let signature = Self.base64URL(parts[2]),
              let header = try? JSONNode.parse(headerBytes), let payload = try? JSONNode.parse(payloadBytes), payload.isObject,
              let alg = header["alg"]?.string
        else { return .failure(Refusal(text: "the token is not a JWT")) }
        let kid = header["kid"]?.string
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        var reason = "the token's signature matches no key of the policy"
        for provider in providers {
            let verified = provider.allKeys.contains { key in
                key.algorithm.name == alg && (kid == nil || key.kid == nil || key.kid == kid)
                    && ((try? key.algorithm.verify(signature, signs: signingInput)) ?? false)
            }
            guard verified else { continue }
            if let problem = Self.claimProblem(payload, provider: provider, now: now) {
                reason = problem
                continue
            }
            let subject = payload["sub"]?.string ?? ""
            return .success(ClientIdentity(method: .jwt, subject: subject, metadata: payload.text, policy: policy))
        }
        return .failure(Refusal(text: reason))
    }

    static func claimProblem(_ claims: JSONNode, provider: Provider, now: Double) -> String? {
        guard let expiry = claims["exp"]?.double else { return "the token has no expiry (exp)" }
        if now >= expiry + leewaySeconds { return "the token expired" }
        if let notBefore = claims["nbf"]?.double, now + leewaySeconds < notBefore { return "the token is not valid yet (nbf)" }
        if let issuer = provider.issuer, claims["iss"]?.string != issuer { return "the token is from another issuer" }
        if !provider.audiences.isEmpty {
            let audience = claims["aud"]
            let granted = audience?.string.map { [$0] } ?? audience?.elements.compactMap(\.string) ?? []
            if !granted.contains(where: provider.audiences.contains) { return "the token is for another audience" }
        }
        return nil
    }

    static func base64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }

    var credentialHeader: String? { reader.headerToRemove }
    var challenge: String { "Bearer" }
}
