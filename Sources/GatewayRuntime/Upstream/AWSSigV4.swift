import Crypto
import Foundation
import GatewayIR

/// AWS Signature Version 4 for a provider request (Bedrock; any provider whose backend signs
/// with `policies.auth.aws`), as AWS documents it and botocore's `SigV4Auth` computes it
/// (`testing/standin-bedrock.py` recomputes every signature with botocore): a canonical request
/// of the method, the path encoded once more (`/` kept), the sorted query, the signed headers
/// (`content-type`, `host`, `x-amz-date`, `x-amz-security-token`) and the body's SHA-256; a
/// string to sign over it; a key derived from the secret key, date, region and service.
/// Returns the headers to add; none of them carries the secret key.
public enum AWSSigV4 {
    public struct Credentials: Sendable {
        public var accessKey: String
        public var secretKey: SecretValue
        public var sessionToken: String?
        public init(accessKey: String, secretKey: SecretValue, sessionToken: String?) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.sessionToken = sessionToken
        }

        /// From a mounted Secret's entries: `accessKey`, `secretKey` and optional `sessionToken`,
        /// trimmed (a file written with a trailing newline); nil when either key is missing.
        public init?(entries: [(key: String, value: SecretValue)]) {
            func value(_ key: String) -> String? {
                entries.first { $0.key == key }.map { $0.value.revealString().trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let access = value("accessKey"), let secret = value("secretKey") else { return nil }
            self.init(accessKey: access, secretKey: SecretValue(secret), sessionToken: value("sessionToken"))
        }
    }

    public struct Scope: Sendable {
        public var region: String
        public var service: String
        public init(region: String, service: String) {
            self.region = region
            self.service = service
        }
    }

    /// The headers that sign this request: `x-amz-date`, `x-amz-security-token` when there is a
    /// session token, and `authorization`. `path` is the request target as sent (its segments
    /// already percent-encoded, with an optional `?query`); `host` is the Host header's value.
    public static func signingHeaders(
        method: String, host: String, target: String, contentType: String?, body: UnsafeRawBufferPointer, credentials: Credentials, scope: Scope, date: Date
    ) -> [(name: String, value: String)] {
        let stamp = timestamp(date)
        let day = String(stamp.prefix(8))
        var signed: [(name: String, value: String)] = [("host", host), ("x-amz-date", stamp)]
        if let contentType { signed.append(("content-type", contentType)) }
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        signed.sort { $0.name < $1.name }
        let (path, query) = splitTarget(target)
        let signedNames = signed.map(\.name).joined(separator: ";")
        let canonical = [
            method, canonicalPath(path), canonicalQuery(query),
            signed.map { "\($0.name):\($0.value.trimmingCharacters(in: .whitespaces))\n" }.joined(),
            signedNames, hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let credentialScope = "\(day)/\(scope.region)/\(scope.service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, credentialScope, hex(SHA256.hash(data: Data(canonical.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4".utf8) + credentials.secretKey.reveal())
        for part in [day, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        var headers: [(name: String, value: String)] = [("x-amz-date", stamp)]
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        headers.append(("authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(credentialScope), SignedHeaders=\(signedNames), Signature=\(signature)"))
        return headers
    }

    /// `20150830T123600Z`, in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    private static func splitTarget(_ target: String) -> (path: Substring, query: Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }

    /// The path as sent, percent-encoded once more with `/` kept (every service but S3 signs it
    /// so: a model id's `:` is `%3A` on the wire and `%253A` here).
    static func canonicalPath(_ path: Substring) -> String {
        path.isEmpty ? "/" : encode(path, keepSlash: true)
    }

    /// Query parameters sorted by name, then value, each side encoded (after decoding what the
    /// client's encoding left).
    static func canonicalQuery(_ query: Substring) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(halves[0]).removingPercentEncoding ?? String(halves[0])
            let value = halves.count > 1 ? (String(halves[1]).removingPercentEncoding ?? String(halves[1])) : ""
            return (encode(name[...], keepSlash: false), encode(value[...], keepSlash: false))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding: unreserved characters kept, every other byte as `%XX` (upper case).
    public static func encode(_ text: Substring, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
