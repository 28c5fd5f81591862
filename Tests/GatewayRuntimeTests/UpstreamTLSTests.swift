import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import GatewayRuntime

/// Provider calls over TLS (swift-nio-ssl): the certificate is verified against the trust store
/// (here a test CA given as gwrun's --upstream-ca-file gives one) and the host name; the stand-in
/// provider (testing/standin-anthropic.py) serves HTTPS with a certificate openssl makes.
@Suite("Provider calls over TLS", .serialized)
struct UpstreamTLSTests {
    final class Provider {
        let directory: URL
        let process = Process()
        // Below the ephemeral range, and apart for concurrent runs.
        let port = 25000 + Int(getpid() % 5000)

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwrun-tls-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let d = directory.path
            try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=gwrun test CA", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
                                              "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
            try Self.run("/usr/bin/openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr"])
            try "subjectAltName=DNS:localhost\n".write(toFile: "\(d)/ext.cnf", atomically: true, encoding: .utf8)
            try Self.run("/usr/bin/openssl", ["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial", "-days", "2",
                                              "-extfile", "\(d)/ext.cnf", "-out", "\(d)/server.pem"])
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", RuntimeSetupTests.repo.appendingPathComponent("testing/standin-anthropic.py").path, "--port", String(port),
                                 "--expect-key", "tls-test-key", "--tls-cert", "\(d)/server.pem", "--tls-key", "\(d)/server.key"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                if Self.listening(port) { break }
                usleep(50_000)
            }
        }

        deinit {
            // SIGKILL: a child of the test runner may have SIGTERM blocked.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }

        var caFile: String { directory.appendingPathComponent("ca.pem").path }

        static func run(_ tool: String, _ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        }

        static func listening(_ port: Int) -> Bool {
            let channel = try? ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).wait()
            try? channel?.close().wait()
            return channel != nil
        }
    }

    static let body = ByteBuffer(string: #"{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#)
    static let headers: [(name: String, value: String)] = [("content-type", "application/json"), ("x-api-key", "tls-test-key"), ("anthropic-version", "2023-06-01")]

    @Test func aProviderWhoseCertificateIsTrustedAnswers() async throws {
        let provider = try Provider()
        let client = UpstreamClient(additionalCAFiles: [provider.caFile])
        defer { client.shutdown() }
        let endpoint = ProviderEndpoint(scheme: "https", host: "localhost", port: provider.port, path: "/v1/messages")
        let response = try await client.execute(method: "POST", endpoint: endpoint, headers: Self.headers, body: Self.body, deadline: .now() + .seconds(10))
        #expect(response.status == 200)
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(answer.contains("\"type\": \"message\""), "\(answer)")
        // The connection goes back to the pool and serves a second call.
        let again = try await client.execute(method: "POST", endpoint: endpoint, headers: Self.headers, body: Self.body, deadline: .now() + .seconds(10))
        #expect(again.status == 200)
        _ = try await again.body.collect(upTo: 1 << 20)
    }

    @Test func anUntrustedCertificateOrAWrongNameIsRefused() async throws {
        let provider = try Provider()
        let untrusting = UpstreamClient()
        defer { untrusting.shutdown() }
        await #expect(throws: (any Error).self, "the test CA is not in the system's store") {
            _ = try await untrusting.execute(
                method: "POST", endpoint: ProviderEndpoint(scheme: "https", host: "localhost", port: provider.port, path: "/v1/messages"),
                headers: Self.headers, body: Self.body, deadline: .now() + .seconds(10))
        }
        let trusting = UpstreamClient(additionalCAFiles: [provider.caFile])
        defer { trusting.shutdown() }
        await #expect(throws: (any Error).self, "the certificate names localhost, not 127.0.0.1") {
            _ = try await trusting.execute(
                method: "POST", endpoint: ProviderEndpoint(scheme: "https", host: "127.0.0.1", port: provider.port, path: "/v1/messages"),
                headers: Self.headers, body: Self.body, deadline: .now() + .seconds(10))
        }
    }
}
