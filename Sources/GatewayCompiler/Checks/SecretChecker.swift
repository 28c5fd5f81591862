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
            if case .aws(let name, _, _)? = backend.policies.auth?.source {
                for key in ["accessKey", "secretKey"] { referenced.insert("\(backend.meta.namespace)/\(name)/\(key)") }
            }
        }
        checkNames()
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

    /// Names and keys Kubernetes would refuse (GW503). gwrun joins them into a path under
    /// `--secrets-dir`, so a key like `../x` must never get as far as a table.
    private mutating func checkNames() {
        for secret in index.resources.secrets {
            let object = "Secret \(secret.meta.namespace)/\(secret.meta.name)"
            if let problem = KubernetesNames.secretReferenceProblem(namespace: secret.meta.namespace, name: secret.meta.name, key: nil) {
                diagnostics.append(Diagnostic(.invalidSecretName, "Secret \(problem)", at: secret.meta.location, fix: "use a lower-case DNS name (letters, digits, `-`, `.`)", object: object))
            }
            for key in secret.values.keys.sorted() where !KubernetesNames.isSecretKey(key) {
                diagnostics.append(Diagnostic(
                    .invalidSecretName, "Secret key \"\(KubernetesNames.printable(key))\" is not one Kubernetes allows (letters, digits, `-`, `_`, `.`; not `.` or `..`)",
                    at: secret.keyLocations[key] ?? secret.meta.location, fix: "rename the key, e.g. `Authorization`", object: object))
            }
        }
        for backend in index.resources.backends {
            var auths = [backend.policies.auth]
            if case .ai(let ai) = backend.kind { auths += ai.allProviders.map { $0.policies?.auth } }
            for case let auth? in auths {
                let reference: (name: String, key: String?)
                switch auth.source {
                case .secretRef(let name, let key): reference = (name, key ?? BackendAuth.defaultSecretKey)
                case .aws(let name, _, _): reference = (name, nil)
                default: continue
                }
                guard let problem = KubernetesNames.secretReferenceProblem(namespace: backend.meta.namespace, name: reference.name, key: reference.key) else { continue }
                diagnostics.append(Diagnostic(
                    .invalidSecretName, "auth secretRef: \(problem)", at: auth.location,
                    fix: "name a Secret and key as Kubernetes writes them; gwc build leaves this reference out of the table",
                    object: "AgentgatewayBackend \(backend.meta.namespace)/\(backend.meta.name)"))
            }
        }
        for policy in index.resources.policies {
            guard let name = policy.traffic?.apiKeyAuthentication?.secretName,
                let problem = KubernetesNames.secretReferenceProblem(namespace: policy.meta.namespace, name: name, key: nil)
            else { continue }
            diagnostics.append(Diagnostic(
                .invalidSecretName, "apiKeyAuthentication secretRef: \(problem)", at: policy.meta.location,
                fix: "name the Secret as Kubernetes writes it", object: "AgentgatewayPolicy \(policy.meta.namespace)/\(policy.meta.name)"))
        }
    }
}
