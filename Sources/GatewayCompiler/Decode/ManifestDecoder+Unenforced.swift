import GatewayIR

/// Settings gwc reads but gwrun does not act on yet are reported (GW420), field by field, so that
/// none looks applied when it is not. Each list below is what gwrun does act on; every other field
/// present under the named object is reported. The policy, front-door and provider issues shrink
/// the reports as gwrun learns to enforce them.
extension ManifestDecoder {
    /// Fields of an AgentgatewayBackend's (or provider's) `policies` that gwrun acts on.
    static let enforcedBackendPolicies: Set<String> = ["auth.secretRef", "auth.passthrough", "ai.routes", "http.requestTimeout"]
    /// Fields of an AgentgatewayPolicy's `traffic`, `backend` and `frontend` that gwrun acts on.
    static let enforcedTraffic: Set<String> = ["timeouts.request"]
    static let enforcedPolicyBackend: Set<String> = ["http.requestTimeout"]

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
            report(Diagnostic(
                .notEnforced, "`\(prefix).\(field)` is read, but gwrun does not enforce it yet: requests pass as if it were not set",
                at: reader.location(entry.key.mark), fix: "do not rely on it until gwrun enforces it (docs/runtime.md, \"Not done yet\")", object: object))
        }
    }
}
