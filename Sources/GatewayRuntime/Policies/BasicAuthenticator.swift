import Crypto
import Foundation
import GatewayIR
import NIOConcurrencyHelpers

/// `traffic.basicAuthentication` (RFC 7617): `user:password`, base64 after `Basic `, checked
/// against htpasswd lines (the policy's `users` and its Secret's `.htaccess`). A bcrypt check
/// costs milliseconds by design; a credential that verified is remembered as its SHA-256 digest
/// (up to 4,096, then forgotten all at once), so a client pays it once, not per request.
final class BasicAuthenticator: ClientAuthenticator {
    let policy: String
    let mode: AuthenticationMode
    let realm: String
    let reader: CredentialReader
    let users: [String: PasswordHash]
    private let verified = NIOLockedValueBox<[[UInt8]: String]>([:])
    static let rememberedLimit = 4096

    init(policy: String, mode: AuthenticationMode, realm: String, reader: CredentialReader, users: [String: PasswordHash]) {
        self.policy = policy
        self.mode = mode
        self.realm = realm
        self.reader = reader
        self.users = users
    }

    convenience init(record: RouteTable.PolicyRecord, table: RouteTable, secrets: SecretStore, warnings: inout [String]) {
        var lines = record.users.enumerated().map { (line: $0.element, source: "users", number: $0.offset + 1) }
        for index in record.secretRefs {
            let ref = table.secretRef(index)
            let file = secrets.value(for: SecretStore.Reference(namespace: ref.namespace, name: ref.name, key: ref.key))?.revealString() ?? ""
            lines += file.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                (String($0.element), "Secret \(ref.namespace)/\(ref.name) key \(ref.key)", $0.offset + 1)
            }
        }
        var users: [String: PasswordHash] = [:]
        for entry in lines {
            let line = entry.line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let hash = PasswordHash(String(parts[1])) else {
                // The line may hold a plain password: only a user name before a colon is named.
                let who = parts.count == 2 ? " (user \"\(parts[0])\")" : ""
                warnings.append("policy \(record.name): \(entry.source) line \(entry.number)\(who) is not `user:hash` with a bcrypt, apr1, SHA-1 or crypt hash; it is ignored")
                continue
            }
            users[String(parts[0])] = hash
        }
        let reader = CredentialReader(record)
        self.init(policy: record.name, mode: AuthenticationMode(record.mode), realm: record.realm, reader: reader, users: users)
    }

    func authenticate(_ request: IncomingRequest) -> AuthenticationOutcome {
        guard let encoded = reader.read(headers: request.headers, query: request.query) else { return mode.outcomeWithoutValidCredential(present: false, reason: "no basic credentials") }
        guard let data = Data(base64Encoded: encoded), let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") else {
            return mode.outcomeWithoutValidCredential(present: true, reason: "basic credentials are not base64 of user:password")
        }
        let user = String(pair[..<colon]), password = String(pair[pair.index(after: colon)...])
        let digest = Array(SHA256.hash(data: Array(pair.utf8)))
        if verified.withLockedValue({ $0[digest] }) == user { return identity(user) }
        // An unknown user costs a verification too, so timing does not tell which users exist.
        let hash = users[user]
        let matches = (hash ?? users.values.first)?.verify(password) ?? false
        guard hash != nil, matches else {
            return mode.outcomeWithoutValidCredential(present: true, reason: "invalid user or password")
        }
        verified.withLockedValue { remembered in
            if remembered.count >= Self.rememberedLimit { remembered.removeAll() }
            remembered[digest] = user
        }
        return identity(user)
    }

    private func identity(_ user: String) -> AuthenticationOutcome { .authenticated(ClientIdentity(method: .basic, subject: user, metadata: nil, policy: policy)) }

    var credentialHeader: String? { reader.headerToRemove }
    var challenge: String { "Basic realm=\"\(realm.replacingOccurrences(of: "\"", with: "'"))\"" }
}
