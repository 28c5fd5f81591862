import GatewayIR

/// Settings gwc reads but gwrun does not act on yet are reported (GW420), field by field, so that
/// none looks applied when it is not. Each list below is what gwrun does act on; every other field
/// present under the named object is reported. The policy, front-door and provider issues shrink
/// the reports as gwrun learns to enforce them.
extension ManifestDecoder {
    /// Fields of an AgentgatewayBackend's (or provider's) `policies` that gwrun acts on.
    static let enforcedBackendPolicies = Set<String>(["auth.secretRef", "auth.passthrough", "auth.aws.secretRef", "auth.aws.region", "auth.aws.serviceName", "ai.routes", "ai.modelAliases", "ai.promptGuard", "http.requestTimeout",
        "ai.defaults", "ai.overrides", "ai.prompt", "ai.promptCaching",
    ]).union(enforcedTLS)
    /// Fields of `policies.tls` gwrun acts on (docs/upstream-tls.md); ALPN, key exchange groups
    /// and SPIFFE are reported.
    static let enforcedTLS: Set<String> = ["tls.sni", "tls.caCertificateRefs", "tls.insecureSkipVerify", "tls.verifySubjectAltNames", "tls.mtlsCertificateRef"]
    /// Fields of a group provider's own `policies` that gwrun acts on: its credential.
    static let enforcedProviderPolicies: Set<String> = ["auth.secretRef", "auth.passthrough", "auth.aws.secretRef", "auth.aws.region", "auth.aws.serviceName"]
    /// Fields of each provider kind's own object that gwrun acts on (`ProviderAPI`); a custom
    /// format's `path` is reported by the decoder.
    static let enforcedProviderFields: [LLMProvider.Kind: Set<String>] = [
        .openai: ["model"], .anthropic: ["model"], .gemini: ["model"], .vertexai: ["model", "projectId", "region"],
        .azureopenai: ["endpoint", "deploymentName", "apiVersion"], .azure: ["resourceName", "resourceType", "apiVersion", "projectName", "model"],
        .custom: ["model", "formats"], .bedrock: ["model", "region"],
    ]
    /// Fields of an AgentgatewayPolicy's `traffic`, `backend` and `frontend` that gwrun acts on.
    static let enforcedTraffic: Set<String> = [
        "timeouts.request", "rateLimit.local", "cors", "headerModifiers.request", "headerModifiers.response",
        "directResponse.status", "directResponse.body", "directResponse.headers", "hostRewrite.mode",
        "retry.attempts", "retry.codes", "retry.backoff",
        "apiKeyAuthentication.mode", "apiKeyAuthentication.secretRef", "apiKeyAuthentication.secretSelector",
        "apiKeyAuthentication.location.header", "apiKeyAuthentication.location.queryParameter", "apiKeyAuthentication.location.cookie",
        "basicAuthentication.mode", "basicAuthentication.realm", "basicAuthentication.users", "basicAuthentication.secretRef",
        "basicAuthentication.location.header", "basicAuthentication.location.queryParameter", "basicAuthentication.location.cookie",
        "jwtAuthentication.mode", "jwtAuthentication.providers",
        "jwtAuthentication.location.header", "jwtAuthentication.location.queryParameter", "jwtAuthentication.location.cookie",
    ]
    /// Authentication settings gwrun cannot act on: unlike other fields, requests are not served
    /// as if they were absent; the policy finds no credential (Strict mode refuses every request).
    static let failClosedTraffic: Set<String> = [
        "apiKeyAuthentication.location.expression", "basicAuthentication.location.expression", "jwtAuthentication.location.expression",
        "apiKeyAuthentication.configMapSelector",
    ]
    static let enforcedPolicyBackend = Set<String>(["http.requestTimeout", "ai.promptGuard"]).union(enforcedTLS)

    /// Prompt-guard entries gwrun runs are `regex` ones (with their `response`); every other kind
    /// (webhook, moderation and cloud guardrails) is reported, as is `scope`, which gwrun does not
    /// narrow (it checks every message text).
    mutating func reportUnenforcedGuards(_ promptGuard: Node?, prefix: String, reader: NodeReader, object: String) {
        for direction in ["request", "response"] {
            for item in reader.items(promptGuard, direction) {
                for entry in reader.entries(item) where !["regex", "response"].contains(entry.key.text) {
                    let scope = entry.key.text == "scope"
                    report(Diagnostic(
                        .notEnforced,
                        scope ? "`\(prefix).ai.promptGuard.\(direction)[].scope` is read, but gwrun does not narrow a guard to it: the guard checks every message text"
                            : "`\(prefix).ai.promptGuard.\(direction)[].\(entry.key.text)` is read, but gwrun does not run this kind of guard yet: requests pass as if it were not set",
                        at: reader.location(entry.key.mark), fix: scope ? "remove `scope`, or expect the guard on every message" : "use a `regex` guard, or do not rely on this one yet", object: object))
                }
            }
        }
    }

    /// Reports every field under `node` (at `prefix`) that is not in `enforced` (a path and all
    /// below it).
    mutating func reportUnenforced(_ node: Node?, prefix: String, enforced: Set<String>, reader: NodeReader, object: String, path: String = "") {
        for entry in reader.entries(node) {
            let field = path.isEmpty ? entry.key.text : path + "." + entry.key.text
            if enforced.contains(field) { continue }
            if enforced.contains(where: { $0.hasPrefix(field + ".") }), case .mapping = entry.value {
                reportUnenforced(entry.value, prefix: prefix, enforced: enforced, reader: reader, object: object, path: field)
                continue
            }
            if Self.failClosedTraffic.contains(field) {
                report(Diagnostic(
                    .notEnforced, "`\(prefix).\(field)` is read, but gwrun cannot act on it yet: the policy finds no credential there, so in Strict mode every request is refused (401)",
                    at: reader.location(entry.key.mark), fix: "use `secretRef` or `secretSelector`, and a `header`, `queryParameter` or `cookie` location", object: object))
                continue
            }
            report(Diagnostic(
                .notEnforced, "`\(prefix).\(field)` is read, but gwrun does not enforce it yet: requests pass as if it were not set",
                at: reader.location(entry.key.mark), fix: "do not rely on it until gwrun enforces it (docs/runtime.md, \"Not done yet\")", object: object))
        }
    }
}
