import Crypto
import Foundation
import GatewayIR

/// `traffic.apiKeyAuthentication`: the client's key, read from the policy's location, must be
/// one of the keys in the policy's Secrets. Each Secret entry is one key: its value the key
/// itself, or a JSON object with `key` or `keyHash` (`sha256:<hex>`) and optional `metadata`.
/// Only SHA-256 digests are held; a presented key is hashed and compared with every digest in
/// constant time (no early exit), so timing tells nothing about which bytes matched.
final class APIKeyAuthenticator: ClientAuthenticator {
    struct Entry: Sendable {
        var name: String
        var digest: [UInt8]
        var metadata: String?
    }

    let policy: String
    let mode: AuthenticationMode
    let reader: CredentialReader
    let entries: [Entry]

    init(policy: String, mode: AuthenticationMode, reader: CredentialReader, entries: [Entry]) {
        self.policy = policy
        self.mode = mode
        self.reader = reader
        self.entries = entries
    }

    /// The policy record's keys from the resolved Secrets; entries that hold no usable key are
    /// named in `warnings` (never their value) and left out.
    convenience init(record: RouteTable.PolicyRecord, table: RouteTable, secrets: SecretStore, warnings: inout [String]) {
        var entries: [Entry] = []
        for index in record.secretRefs {
            let ref = table.secretRef(index)
            for (key, value) in secrets.entries(of: SecretStore.Reference(namespace: ref.namespace, name: ref.name, key: "")) {
                if let entry = Self.entry(name: key, value: value) {
                    entries.append(entry)
                } else {
                    warnings.append("Secret \(ref.namespace)/\(ref.name) entry \"\(key)\" holds no usable API key (a key, or JSON with `key` or `keyHash: sha256:<64 hex digits>`); it is ignored")
                }
            }
        }
        self.init(
            policy: record.name, mode: AuthenticationMode(record.mode),
            reader: CredentialReader(record), entries: entries)
    }

    static func entry(name: String, value: SecretValue) -> Entry? {
        guard let parsed = ClientKeyEntry(value) else { return nil }
        return Entry(name: name, digest: parsed.digest(Self.digest), metadata: parsed.metadata)
    }

    static func digest(_ key: String) -> [UInt8] {
        var key = key
        return key.withUTF8 { Array(SHA256.hash(data: $0)) }
    }

    func authenticate(_ request: IncomingRequest) -> AuthenticationOutcome {
        guard let key = reader.read(headers: request.headers, query: request.query) else { return mode.outcomeWithoutValidCredential(present: false, reason: "no API key") }
        let presented = Self.digest(key)
        var found = -1
        for index in entries.indices where ConstantTime.equal(entries[index].digest, presented) && found < 0 { found = index }
        guard found >= 0 else { return mode.outcomeWithoutValidCredential(present: true, reason: "invalid API key") }
        let entry = entries[found]
        return .authenticated(ClientIdentity(method: .apiKey, subject: entry.name, metadata: entry.metadata, policy: policy))
    }

    var credentialHeader: String? { reader.headerToRemove }
    var challenge: String { reader.kind == .header && reader.prefix.lowercased().hasPrefix("bearer") ? "Bearer" : "APIKey" }
}
