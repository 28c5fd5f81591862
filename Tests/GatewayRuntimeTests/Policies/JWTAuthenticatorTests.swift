import Foundation
import GatewayIR
@testable import GatewayRuntime
import JWTKit
import NIOCore
import Testing

/// JWT verification with tokens jwt-kit signs here with a fresh ES256 key pair, checked against
/// an inline JWKS holding its public key, as a policy's `jwks.inline` does.
@Suite("JWT authentication")
struct JWTAuthenticatorTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    static let now = Date()

    /// An authenticator for issuer `https://idp.example` and audience `gateway`, and a signer.
    static func setUp(kid: String = "k1") async throws -> (JWTAuthenticator, JWTKeyCollection) {
        let key = ES256PrivateKey()
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let (x, y) = try #require(key.publicKey.parameters)
        let jwks = #"{"keys": [{"kty": "EC", "crv": "P-256", "x": "\#(x)", "y": "\#(y)", "kid": "\#(kid)", "alg": "ES256", "use": "sig"}]}"#
        let loaded = await JWTAuthenticator.loadKeys(jwks: jwks, policy: "default/jwt")
        #expect(loaded.warnings.isEmpty && loaded.keys.count == 1)
        let provider = JWTAuthenticator.Provider(issuer: "https://idp.example", audiences: ["gateway"], keys: loaded.keys)
        let authenticator = JWTAuthenticator(policy: "default/jwt", mode: .strict, reader: .init(kind: .header, name: "authorization", prefix: "Bearer "), providers: [provider])
        return (authenticator, signer)
    }

    static func token(_ signer: JWTKeyCollection, sub: String = "alice", iss: String = "https://idp.example", aud: String = "gateway", expiresIn: Double = 600, notBefore: Double? = nil) async throws -> String {
        let claims = Claims(
            sub: .init(value: sub), iss: .init(value: iss), aud: .init(value: [aud]), exp: .init(value: now.addingTimeInterval(expiresIn)),
            nbf: notBefore.map { .init(value: now.addingTimeInterval($0)) })
        return try await signer.sign(claims)
    }

    func verdict(_ authenticator: JWTAuthenticator, _ token: String) -> String {
        switch authenticator.verify(token, now: Self.now.timeIntervalSince1970) {
        case .success(let identity): return "ok \(identity.subject)"
        case .failure(let refusal): return refusal.text
        }
    }

    @Test func aValidTokenIdentifiesItsSubject() async throws {
        let (authenticator, signer) = try await Self.setUp()
        #expect(verdict(authenticator, try await Self.token(signer)) == "ok alice")
        let request = IncomingRequest(method: "GET", target: "/", headers: [("authorization", "Bearer " + (try await Self.token(signer, sub: "bob")))], body: .init(), listenerPort: 8080)
        guard case .authenticated(let identity) = authenticator.authenticate(request) else { Issue.record("refused"); return }
        #expect(identity.method == .jwt && identity.subject == "bob" && identity.metadata?.contains("\"iss\"") == true)
    }

    @Test func expiredNotYetValidOtherAudienceOtherIssuerAreRefused() async throws {
        let (authenticator, signer) = try await Self.setUp()
        #expect(verdict(authenticator, try await Self.token(signer, expiresIn: -120)) == "the token expired")
        #expect(verdict(authenticator, try await Self.token(signer, expiresIn: -30)) == "ok alice")  // within the 60 s leeway
        #expect(verdict(authenticator, try await Self.token(signer, notBefore: 300)) == "the token is not valid yet (nbf)")
        #expect(verdict(authenticator, try await Self.token(signer, aud: "someone-else")) == "the token is for another audience")
        #expect(verdict(authenticator, try await Self.token(signer, iss: "https://evil.example")) == "the token is from another issuer")
    }

    @Test func aTokenOfAnotherKeyOrTamperedOrUnsignedIsRefused() async throws {
        let (authenticator, _) = try await Self.setUp()
        let (_, otherSigner) = try await Self.setUp()
        let foreign = try await Self.token(otherSigner)
        #expect(verdict(authenticator, foreign) == "the token's signature matches no key of the policy")
        // A payload changed after signing.
        var parts = foreign.split(separator: ".").map(String.init)
        parts[1] = Data(#"{"sub":"admin","iss":"https://idp.example","aud":"gateway","exp":9999999999}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(verdict(authenticator, parts.joined(separator: ".")) == "the token's signature matches no key of the policy")
        // alg none, no signature.
        let none = Data(#"{"alg":"none"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "") + "." + parts[1] + "."
        #expect(verdict(authenticator, none) == "the token's signature matches no key of the policy")
        #expect(verdict(authenticator, "not-a-jwt") == "the token is not a JWT")
    }

    @Test func aMissingTokenFollowsTheMode() async throws {
        let (authenticator, _) = try await Self.setUp()
        let request = IncomingRequest(method: "GET", target: "/", headers: [], body: .init(), listenerPort: 8080)
        #expect(authenticator.authenticate(request) == .refused("no bearer token"))
        let optional = JWTAuthenticator(policy: "p", mode: .optional, reader: authenticator.reader, providers: authenticator.providers)
        #expect(optional.authenticate(request) == .anonymous)
    }

    @Test func unusableKeySetsAreNamed() async {
        #expect(await JWTAuthenticator.loadKeys(jwks: "", policy: "p").warnings.first?.contains("neither inline keys nor a remote key set") == true)
        #expect(await JWTAuthenticator.loadKeys(jwks: "{not json", policy: "p").warnings.first?.contains("not a JSON Web Key Set") == true)
    }

    @Test func remoteKeySetURLsBecomeEndpoints() throws {
        let https = try #require(RemoteKeySet.endpoint("https://idp.example.com/.well-known/jwks.json?v=2"))
        #expect(https == ProviderEndpoint(scheme: "https", host: "idp.example.com", port: 443, path: "/.well-known/jwks.json?v=2"))
        let service = try #require(RemoteKeySet.endpoint("http://keys.auth.svc.cluster.local:8080/jwks"))
        #expect(service.port == 8080 && service.scheme == "http")
        #expect(RemoteKeySet.endpoint("ftp://idp.example.com/jwks") == nil)
        #expect(RemoteKeySet.endpoint("not a url") == nil)
    }

    @Test func aRemoteSetThatCannotBeFetchedVerifiesNothingAndSaysWhy() async throws {
        let client = UpstreamClient(connectSeconds: 1)
        defer { client.shutdown() }
        let set = RemoteKeySet(url: "http://127.0.0.1:1/jwks.json", cacheSeconds: 300, policy: "default/jwt")
        let problem = await set.refresh(client: client)
        #expect(problem?.contains("fetching the key set at http://127.0.0.1:1/jwks.json failed") == true)
        #expect(set.keys.isEmpty)
    }
}
