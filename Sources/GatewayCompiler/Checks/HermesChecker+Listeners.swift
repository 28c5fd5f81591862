import Foundation
import GatewayIR

/// The agent side of the front door: what a Hermes config opens and calls besides LLM providers
/// (`../shared/reference/hermes/NOTES.md`, "Listeners and bind addresses"). The API server binds
/// 127.0.0.1 unless `extra.host` says otherwise and refuses to start without a key of 16
/// characters or more; the webhook binds every interface unless told otherwise and accepts
/// anyone with `secret: INSECURE_NO_AUTH` (which Hermes refuses off loopback). No key is printed.
extension HermesChecker {
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    mutating func checkListeners(_ listeners: HermesListeners, object: String) {
        if let server = listeners.apiServer, server.enabled { checkAPIServer(server, object: object) }
        if let webhook = listeners.webhook, webhook.enabled { checkWebhook(webhook, object: object) }
        for (field, location) in listeners.topLevelAPIServer.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(Diagnostic(
                .hermesIgnoredSetting, "top-level `api_server.\(field)` is ignored by Hermes (only `enabled` is read there): the API server does not use it",
                at: location, fix: "set it under `platforms.api_server.extra.\(field)` (or API_SERVER_\(field.uppercased()))", object: object))
        }
        for server in listeners.mcpServers { checkPlainHTTP(server.url, what: "MCP server \"\(server.name)\"", object: object) }
    }

    private mutating func checkAPIServer(_ server: HermesListeners.Listener, object: String) {
        guard let key = server.credential else {
            diagnostics.append(Diagnostic(
                .hermesWeakServerKey, "the API server is enabled without `extra.key`: Hermes refuses to start it (API_SERVER_KEY of 16 characters or more is required, even on loopback)",
                at: server.location, fix: "set `key: ${API_SERVER_KEY}` under `platforms.api_server.extra` and export a random key of 32 characters", object: object))
            return
        }
        let (value, unresolved) = expand(key.value)
        guard unresolved.isEmpty else { return }  // GW612 already names the variable
        if value.count < 16 || SecretHeuristics.isPlaceholder(SecretValue(value)) {
            diagnostics.append(Diagnostic(
                .hermesWeakServerKey, "the API server's key is \(value.count < 16 ? "shorter than 16 characters" : "a placeholder"): Hermes refuses to start the API server",
                at: key.location, fix: "use a random key of 32 characters or more, from the environment (`key: ${API_SERVER_KEY}`)", object: object))
        }
    }

    private mutating func checkWebhook(_ webhook: HermesListeners.Listener, object: String) {
        let host = webhook.host.map { expand($0.value).0 }
        let loopback = host.map { Self.loopbackHosts.contains($0) } ?? false
        let secret = webhook.credential.map { expand($0.value).0 }
        guard !loopback else { return }
        let bind = host.map { "host \($0)" } ?? "every interface (the webhook's default)"
        if secret == nil || secret?.isEmpty == true {
            diagnostics.append(Diagnostic(
                .hermesListenerExposed, "the webhook listener is enabled on \(bind) without `extra.secret`: anyone who reaches the port can trigger the agent",
                at: webhook.host?.location ?? webhook.location, fix: "set `secret: ${WEBHOOK_SECRET}` (an HMAC secret), or `host: 127.0.0.1`", object: object))
        } else if secret == "INSECURE_NO_AUTH" {
            diagnostics.append(Diagnostic(
                .hermesListenerExposed, "the webhook's `secret: INSECURE_NO_AUTH` on \(bind): Hermes refuses it off loopback, and it would let anyone trigger the agent",
                at: webhook.credential?.location ?? webhook.location, fix: "bind `host: 127.0.0.1`, or set a real secret", object: object))
        }
    }

    /// A server beyond loopback and private ranges reached over `http://`: prompts and keys in clear.
    mutating func checkPlainHTTP(_ url: HermesString, what: String, object: String) {
        let (text, unresolved) = expand(url.value)
        guard unresolved.isEmpty, let parsed = ParsedURL(text), parsed.scheme == "http", !Self.isLocal(parsed.host) else { return }
        diagnostics.append(Diagnostic(
            .hermesPlainHTTP, "\(what) is reached over plain HTTP at \(parsed.host), beyond loopback and private networks: what Hermes sends travels in clear",
            at: url.location, fix: "use https://", object: object))
    }

    /// Top-level domains of names on the public internet; another last label (`svc`, a Kubernetes
    /// namespace in `service.namespace`, `lan`, `internal`) is taken for a local name.
    static let publicTopLevelDomains: Set<String> = [
        "com", "net", "org", "io", "ai", "dev", "app", "co", "cloud", "xyz", "tech", "sh", "me", "info", "biz",
        "us", "uk", "de", "fr", "nl", "eu", "jp", "cn", "in", "br", "ca", "au", "ch", "se", "no", "es", "it",
    ]

    /// Loopback, RFC 1918, RFC 6598, link-local, IPv6 ULA and link-local, and cluster-internal or
    /// otherwise local names.
    static func isLocal(_ host: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if loopbackHosts.contains(host) { return true }
        let octets = host.split(separator: ".").compactMap { UInt8($0) }
        if octets.count != 4, !host.contains(":") {
            // A name: public only under a public top-level domain.
            return !publicTopLevelDomains.contains(String(host.split(separator: ".").last ?? ""))
        }
        if octets.count == 4 {
            switch (octets[0], octets[1]) {
            case (127, _), (10, _), (192, 168), (169, 254): return true
            case (172, 16...31): return true
            case (100, 64...127): return true
            default: return false
            }
        }
        return host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe80:") || host == "::1"
    }
}
