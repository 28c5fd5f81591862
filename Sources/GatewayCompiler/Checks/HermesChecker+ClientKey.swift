import Crypto
import Foundation
import GatewayIR

/// Whether the key a Hermes endpoint sends gets through the route's client authentication, as
/// gwrun will check it: the OpenAI-format modes send `api_key` as `Authorization: Bearer`. With
/// the policy's Secrets among the inputs, the key is compared with their entries (raw keys, `key`
/// and `sha256:` `keyHash` values, as gwrun reads them), so the seed's "any non-empty string"
/// becomes checkable: a key the policy does not hold is GW614, one it holds names its client.
/// No key value is ever printed.
extension HermesChecker {
    /// The identity the key authenticates as, for GW609's message; nil when there is nothing to say.
    mutating func checkClientKey(role: String, mode: String, apiKey: HermesString?, match: TableRouteResolver.Match, object: String) -> String? {
        guard mode != "anthropic_messages",
              let policy = match.policies.map(\.policy).first(where: { [.apiKeyAuthentication, .basicAuthentication, .jwtAuthentication].contains($0.kind) }),
              policy.mode != "Permissive" else { return nil }
        let reader = CredentialReader(policy)
        let sendsBearer = reader.kind == .header && reader.name == "authorization" && reader.prefix.lowercased() == "bearer "
        let key = apiKey.map { expand($0.value) }
        let location = apiKey?.location ?? match.route.meta.location
        func refuse(_ why: String, fix: String) -> String? {
            diagnostics.append(Diagnostic(
                .hermesKeyRefused, "\(role): \(why): gwrun answers its requests 401", at: location,
                notes: [DiagnosticNote("policy \(policy.name) authenticates clients of HTTPRoute \(match.route.meta.namespace)/\(match.route.meta.name)")],
                fix: fix, object: object))
            return nil
        }
        guard let key, key.1.isEmpty, !key.0.isEmpty else { return nil }  // no key, or one from the environment gwc cannot see
        switch policy.kind {
        case .basicAuthentication?:
            return refuse("Hermes sends its api_key as a bearer token, and the route takes only basic credentials", fix: "route Hermes to a route with API-key or JWT authentication")
        case .jwtAuthentication?:
            guard sendsBearer else { return refuse("Hermes sends its api_key as `Authorization: Bearer`, where the route's JWT policy does not read", fix: "use the default location for the policy") }
            return key.0.split(separator: ".").count == 3 ? "sends a JWT the policy verifies at each request" : refuse("the api_key is not a JWT", fix: "set api_key to a token from the policy's identity provider")
        default:
            guard sendsBearer else {
                return refuse("Hermes sends its api_key as `Authorization: Bearer`, and the policy reads keys from the \(reader.description)", fix: "leave the policy's location at its default")
            }
            let refs = policy.secretRefs.map { policy.table.secretRef($0) }
            let secrets = refs.compactMap { index.secret(namespace: $0.namespace, name: $0.name) }
            guard !secrets.isEmpty, secrets.count == refs.count else { return nil }  // the keys are not among the inputs
            let presented = Array(SHA256.hash(data: Array(key.0.utf8)))
            for secret in secrets {
                for entry in secret.values.keys.sorted() where Self.keyDigest(secret.values[entry]) == presented {
                    return "authenticates as client \"\(entry)\" (policy \(policy.name))"
                }
            }
            let names = secrets.map { "\($0.meta.namespace)/\($0.meta.name)" }.joined(separator: ", ")
            return refuse("the api_key is none of the client keys in Secret \(names)", fix: "set api_key (or its variable) to a key of one of its entries: \(secrets.flatMap { $0.values.keys.sorted() }.joined(separator: ", "))")
        }
    }

    /// The SHA-256 of the key a Secret entry holds, as gwrun reads it (nil for an unusable entry).
    static func keyDigest(_ value: SecretValue?) -> [UInt8]? {
        value.flatMap(ClientKeyEntry.init)?.digest { Array(SHA256.hash(data: Array($0.utf8))) }
    }
}
