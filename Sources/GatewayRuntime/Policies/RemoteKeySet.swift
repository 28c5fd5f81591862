import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// A JWT provider's `jwks.remote` key set: fetched when the table loads, then again every
/// `cacheDuration` (agentgateway's default and minimum: 5 minutes) by a task of its own, so a
/// request never waits for it. A fetch that fails keeps the keys fetched before (and is logged);
/// until one succeeds, no token of the provider verifies. The task ends with the table that made it.
final class RemoteKeySet: Sendable {
    let url: String
    let cacheSeconds: Int
    let policy: String
    private let current = NIOLockedValueBox<[JWTAuthenticator.Key]>([])
    private let refresher = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(url: String, cacheSeconds: Int, policy: String) {
        self.url = url
        self.cacheSeconds = max(cacheSeconds, 1)
        self.policy = policy
    }

    deinit { refresher.withLockedValue { $0?.cancel() } }

    var keys: [JWTAuthenticator.Key] { current.withLockedValue { $0 } }

    /// Fetches the set once; the warning says why it failed (never a key).
    func refresh(client: UpstreamClient) async -> String? {
        guard let endpoint = Self.endpoint(url) else { return "policy \(policy): jwks.remote URL \(url) is not an http(s) URL" }
        do {
            let answer = try await client.execute(method: "GET", endpoint: endpoint, headers: [("accept", "application/json")], body: ByteBuffer(), deadline: .now() + .seconds(10))
            var body: [UInt8] = []
            for try await piece in answer.body {
                body += piece.readableBytesView
                guard body.count <= 1 << 20 else { return "policy \(policy): the key set at \(url) is larger than 1 MiB" }
            }
            guard answer.status == 200 else { return "policy \(policy): fetching the key set at \(url) got \(answer.status)" }
            let loaded = await JWTAuthenticator.loadKeys(jwks: String(decoding: body, as: UTF8.self), policy: policy)
            guard !loaded.keys.isEmpty else { return loaded.warnings.first ?? "policy \(policy): the key set at \(url) holds no usable key" }
            current.withLockedValue { $0 = loaded.keys }
            return nil
        } catch {
            return "policy \(policy): fetching the key set at \(url) failed: \(error)"
        }
    }

    /// Refreshes every `cacheSeconds` until this set is released; failures go to `log`.
    func keepFresh(client: UpstreamClient, log: @escaping @Sendable (String) -> Void) {
        let task = Task { [weak self, cacheSeconds] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(cacheSeconds) * 1_000_000_000)
                guard let set = self, !Task.isCancelled else { return }
                if let problem = await set.refresh(client: client) { log(problem + "; the keys fetched before stay in use") }
            }
        }
        refresher.withLockedValue { $0 = task }
    }

    static func endpoint(_ url: String) -> ProviderEndpoint? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath) + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        return ProviderEndpoint(scheme: scheme, host: host, port: components.port ?? (scheme == "https" ? 443 : 80), path: path)
    }
}
