import Foundation
import GatewayIR
import GatewayRuntime
import Testing

/// gwrun's SigV4 against signatures botocore's SigV4Auth computed for the same requests
/// (Fixtures/sigv4/botocore-vectors.json, recorded with botocore from PyPI; its `source` says
/// how): the canonical request and the signature must match byte for byte.
@Suite struct AWSSigV4Tests {
    struct Vector: Decodable {
        var name, method, url, body, accessKey, secretKey, region, service, timestamp, canonicalRequest, signedHeaders, signature: String
        var headers: [String: String]
        var sessionToken: String?
    }
    struct File: Decodable { var vectors: [Vector] }

    static let vectors: [Vector] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sigv4/botocore-vectors.json")
        guard let data = try? Data(contentsOf: path), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.vectors
    }()

    static func date(_ stamp: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: stamp) ?? Date(timeIntervalSince1970: 0)
    }

    @Test func fixturesLoaded() {
        #expect(Self.vectors.count == 3)
    }

    @Test(arguments: vectors.map(\.name)) func signatureMatchesBotocore(name: String) throws {
        let vector = try #require(Self.vectors.first { $0.name == name })
        let url = try #require(URLComponents(string: vector.url))
        let target = url.percentEncodedPath + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
        let credentials = AWSSigV4.Credentials(accessKey: vector.accessKey, secretKey: SecretValue(vector.secretKey), sessionToken: vector.sessionToken)
        let headers = Array(vector.body.utf8).withUnsafeBytes { body in
            AWSSigV4.signingHeaders(
                method: vector.method, host: vector.headers["host"] ?? "", target: target, contentType: vector.headers["content-type"], body: body,
                credentials: credentials, scope: AWSSigV4.Scope(region: vector.region, service: vector.service), date: Self.date(vector.timestamp))
        }
        let authorization = try #require(headers.first { $0.name == "authorization" }?.value)
        #expect(authorization.contains("SignedHeaders=\(vector.signedHeaders),"))
        #expect(authorization.hasSuffix("Signature=\(vector.signature)"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=\(vector.accessKey)/\(vector.timestamp.prefix(8))/\(vector.region)/\(vector.service)/aws4_request"))
        #expect(headers.first { $0.name == "x-amz-date" }?.value == vector.timestamp)
        #expect(headers.first { $0.name == "x-amz-security-token" }?.value == vector.sessionToken)
        // The secret key itself is never in what is sent.
        #expect(!headers.contains { $0.value.contains(vector.secretKey) })
    }

    @Test func credentialsFromAMountedSecretAreTrimmedAndNeedBothKeys() throws {
        let entries: [(key: String, value: SecretValue)] = [("accessKey", SecretValue("AKID\n")), ("secretKey", SecretValue(" s3cret \n"))]
        let credentials = try #require(AWSSigV4.Credentials(entries: entries))
        #expect(credentials.accessKey == "AKID")
        #expect(credentials.secretKey.revealString() == "s3cret")
        #expect(credentials.sessionToken == nil)
        #expect(AWSSigV4.Credentials(entries: [("accessKey", SecretValue("AKID"))]) == nil)
        #expect(AWSSigV4.Credentials(entries: [("accessKey", SecretValue("AKID")), ("secretKey", SecretValue("  "))]) == nil)
    }
}
