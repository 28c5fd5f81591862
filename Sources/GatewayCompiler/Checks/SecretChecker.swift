import GatewayIR

/// Secret manifests: values left as placeholders or empty. Never prints a value.
struct SecretChecker {
    let index: ResourceIndex
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        // Empty values that a backend reads are reported by the backend check, with the reference.
        var referenced = Set<String>()
        for backend in index.resources.backends {
            if case .secretRef(let name, let key)? = backend.policies.auth?.source {
                referenced.insert("\(backend.meta.namespace)/\(name)/\(key ?? BackendAuth.defaultSecretKey)")
            }
        }
        for secret in index.resources.secrets {
            let object = "Secret \(secret.meta.namespace)/\(secret.meta.name)"
            for key in secret.values.keys.sorted() {
                guard let value = secret.values[key], !secret.undecodableKeys.contains(key) else { continue }
                let location = secret.keyLocations[key] ?? secret.meta.location
                if SecretHeuristics.isPlaceholder(value) {
                    let variable = value.revealString().hasPrefix("$")
                    diagnostics.append(Diagnostic(
                        .placeholderSecret,
                        variable ? "Secret key \"\(key)\" holds an unexpanded shell variable, not a credential"
                            : "Secret key \"\(key)\" holds a placeholder, not a credential",
                        at: location,
                        fix: variable ? "the heredoc was quoted or the variable unset; create the Secret with `kubectl create secret generic \(secret.meta.name) --from-literal=\(key)=...`"
                            : "put the real value there, or create the Secret from your secret manager",
                        object: object))
                } else if value.isBlank && !referenced.contains("\(secret.meta.namespace)/\(secret.meta.name)/\(key)") && secret.type != "kubernetes.io/service-account-token" {
                    diagnostics.append(Diagnostic(.placeholderSecret, "Secret key \"\(key)\" is empty", at: location, fix: "fill in the value or remove the key", object: object))
                }
            }
        }
    }
}
