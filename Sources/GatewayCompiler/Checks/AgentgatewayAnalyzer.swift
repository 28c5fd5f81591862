import Foundation
import GatewayIR

/// agentgateway's own objects: backend translation (auth Secrets, endpoint overrides), policy
/// attachment, and the status conditions agentgateway's controller writes for them.
struct AgentgatewayAnalyzer {
    let index: ResourceIndex
    var report: StatusReport
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        for backend in index.resources.backends where index.backends[backend.key]?.meta.location == backend.meta.location {
            analyzeBackend(backend)
        }
        for policy in index.resources.policies { analyzePolicy(policy) }
    }

    private mutating func analyzeBackend(_ backend: AgentgatewayBackend) {
        let object = backend.key.description
        var failure: String?
        if case .invalid = backend.kind { failure = "invalid backend spec" }
        if case .ai(let ai) = backend.kind {
            let tls = index.upstreamTLS(for: backend.key) != nil
            for provider in ai.allProviders { checkOverrides(provider, tls: tls, object: object) }
        }
        checkPromptGuard(backend.policies.promptGuard, object: object)
        var authSources = [backend.policies.auth]
        if case .ai(let ai) = backend.kind { authSources += ai.allProviders.map { $0.policies?.auth } }
        for auth in authSources.compactMap({ $0 }) {
            if let problem = checkAuth(auth, namespace: backend.meta.namespace, object: object), failure == nil { failure = problem }
        }
        let conditions = failure.map { [Condition("Accepted", false, "TranslationError", "failed to translate backend: \($0)")] }
            ?? [Condition("Accepted", true, "Accepted", "Backend successfully accepted")]
        if failure != nil { report.failedBackends.insert(backend.key) }
        report.backends.append(BackendStatus(key: backend.key, conditions: conditions))
    }

    private mutating func checkOverrides(_ provider: LLMProvider, tls: Bool, object: String) {
        var problems: [String] = []
        if (provider.host == nil) != (provider.port == nil) { problems.append("`host` and `port` must be set together") }
        if provider.path != nil && provider.pathPrefix != nil { problems.append("`path` and `pathPrefix` cannot both be set") }
        if provider.pathPrefix != nil && provider.host == nil { problems.append("`pathPrefix` requires `host`") }
        if provider.pathPrefix != nil && provider.kind != .openai && provider.kind != .anthropic { problems.append("`pathPrefix` is supported for openai and anthropic only") }
        // A host override is plain HTTP unless the backend asks for TLS (`policies.tls`).
        if let host = provider.host, !tls, !HermesChecker.isLocal(host) {
            diagnostics.append(Diagnostic(
                .providerPlainHTTP, "provider \(provider.kind.rawValue): host \(host) is beyond loopback and private networks, and gwrun calls a host override over plain HTTP: the backend's key and every prompt travel in clear",
                at: provider.location, fix: "set `policies.tls` (gwrun then verifies the host's certificate), remove `host`/`port` to use the provider's own endpoint, or point them at a proxy inside the cluster or LAN", object: object))
        }
        for problem in problems {
            diagnostics.append(Diagnostic(
                .providerOverrideInvalid, "provider \(provider.kind.rawValue): \(problem)", at: provider.location,
                fix: "see AgentgatewayBackend spec.ai.provider in the agentgateway CRD", condition: "Accepted=False/TranslationError", object: object))
        }
    }

    /// Checks a backend auth reference. Returns the controller's failure text, or nil.
    private mutating func checkAuth(_ auth: BackendAuth, namespace: String, object: String) -> String? {
        switch auth.source {
        case .inline(let value):
            diagnostics.append(Diagnostic(
                .inlineCredential, "`policies.auth.key` writes the credential into the manifest", at: auth.location,
                fix: "store it in a Secret and use `policies.auth.secretRef` instead", object: object))
            if SecretHeuristics.isPlaceholder(value) {
                diagnostics.append(Diagnostic(
                    .placeholderSecret, "`policies.auth.key` holds a placeholder, not a credential", at: auth.location,
                    fix: "reference a Secret holding the real key", object: object))
            }
            return nil
        case .secretRef(let name, let key):
            let dataKey = key ?? BackendAuth.defaultSecretKey
            guard let secret = index.secret(namespace: namespace, name: name) else {
                let names = index.secrets.keys.filter { $0.namespace == namespace }.map(\.name)
                diagnostics.append(Diagnostic(
                    .backendSecretNotFound, "auth secretRef names Secret \(namespace)/\(name), which does not exist", at: auth.location,
                    fix: NameSuggester.nearest(to: name, in: names).map { "did you mean \"\($0)\"?" } ?? "create the Secret in namespace \(namespace)",
                    condition: "Accepted=False/TranslationError", object: object))
                return "secret \(namespace)/\(name) not found"
            }
            guard let value = secret.values[dataKey] else {
                let keys = secret.values.keys.sorted()
                diagnostics.append(Diagnostic(
                    .backendSecretKeyMissing, "Secret \(namespace)/\(name) has no key \"\(dataKey)\"\(keys.isEmpty ? "" : " (it has: \(keys.joined(separator: ", ")))")",
                    at: auth.location, notes: [DiagnosticNote("Secret defined here", at: secret.meta.location)],
                    fix: key == nil ? "name the key with `secretRef.key`, or store the credential under `Authorization`" : "add the key to the Secret or fix `secretRef.key`",
                    condition: "Accepted=False/TranslationError", object: object))
                return "secret \(namespace)/\(name) missing \(dataKey) value"
            }
            var trimmed = value.revealString().trimmingCharacters(in: .whitespacesAndNewlines)
            if key == nil, trimmed.hasPrefix("Bearer ") { trimmed = String(trimmed.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            if trimmed.isEmpty {
                diagnostics.append(Diagnostic(
                    .backendSecretEmpty, "Secret \(namespace)/\(name) key \"\(dataKey)\" is empty", at: secret.keyLocations[dataKey] ?? secret.meta.location,
                    notes: [DiagnosticNote("referenced here", at: auth.location)], fix: "put the provider's API key there",
                    condition: "Accepted=False/TranslationError", object: object))
                return "secret \(namespace)/\(name) missing \(dataKey) value"
            }
            return nil
        case .aws(let name, _, _):
            return checkAWSSecret(name, namespace: namespace, at: auth.location, object: object)
        case .passthrough, .other:
            return nil
        }
    }

    /// An `aws.secretRef` Secret: `accessKey` and `secretKey` present and not empty.
    private mutating func checkAWSSecret(_ name: String, namespace: String, at location: SourceLocation, object: String) -> String? {
        guard let secret = index.secret(namespace: namespace, name: name) else {
            let names = index.secrets.keys.filter { $0.namespace == namespace }.map(\.name)
            diagnostics.append(Diagnostic(
                .backendSecretNotFound, "auth aws.secretRef names Secret \(namespace)/\(name), which does not exist", at: location,
                fix: NameSuggester.nearest(to: name, in: names).map { "did you mean \"\($0)\"?" } ?? "create the Secret in namespace \(namespace) with `accessKey` and `secretKey`",
                condition: "Accepted=False/TranslationError", object: object))
            return "secret \(namespace)/\(name) not found"
        }
        for key in ["accessKey", "secretKey"] {
            guard let value = secret.values[key] else {
                let keys = secret.values.keys.sorted()
                diagnostics.append(Diagnostic(
                    .backendSecretKeyMissing, "Secret \(namespace)/\(name) has no key \"\(key)\"\(keys.isEmpty ? "" : " (it has: \(keys.joined(separator: ", ")))"): AWS credentials need `accessKey` and `secretKey`",
                    at: location, notes: [DiagnosticNote("Secret defined here", at: secret.meta.location)], fix: "add `\(key)` to the Secret",
                    condition: "Accepted=False/TranslationError", object: object))
                return "secret \(namespace)/\(name) missing \(key) value"
            }
            if value.isBlank {
                diagnostics.append(Diagnostic(
                    .backendSecretEmpty, "Secret \(namespace)/\(name) key \"\(key)\" is empty", at: secret.keyLocations[key] ?? secret.meta.location,
                    notes: [DiagnosticNote("referenced here", at: location)], fix: "put the AWS \(key == "accessKey" ? "access key id" : "secret access key") there",
                    condition: "Accepted=False/TranslationError", object: object))
                return "secret \(namespace)/\(name) missing \(key) value"
            }
        }
        return nil
    }

    /// Prompt-guard patterns must compile, or the guard rejects nothing (or everything).
    private mutating func checkPromptGuard(_ promptGuard: PromptGuard?, object: String) {
        guard let promptGuard else { return }
        for rule in promptGuard.request + promptGuard.response {
            for pattern in rule.matches {
                do {
                    _ = try NSRegularExpression(pattern: pattern)
                } catch {
                    diagnostics.append(Diagnostic(
                        .invalidRegex, "prompt-guard pattern \"\(pattern)\" is not a valid regular expression", at: rule.location,
                        fix: "escape special characters such as ( [ { + * ? with a backslash", condition: "Accepted=False/Invalid", object: object))
                }
            }
        }
    }

    private mutating func analyzePolicy(_ policy: AgentgatewayPolicy) {
        let object = policy.key.description
        var ancestors: [PolicyAncestorStatus] = []
        for target in policy.targetRefs {
            let key = ObjectKey(group: target.group, kind: target.kind, namespace: policy.meta.namespace, name: target.name)
            let exists = index.targetExists(target, namespace: policy.meta.namespace)
            var ancestorGateways: [ObjectKey] = []
            switch (target.group, target.kind) {
            case (APIGroup.gateway, "Gateway"): if exists { ancestorGateways = [key] }
            case (APIGroup.gateway, "HTTPRoute"): ancestorGateways = Array(Set(report.attachments.filter { $0.route == key }.map(\.gateway))).sorted()
            default: break
            }
            if exists {
                let refs = ancestorGateways.isEmpty ? [key] : ancestorGateways
                for ref in refs {
                    ancestors.append(PolicyAncestorStatus(ancestorRef: ref, conditions: [
                        Condition("Accepted", true, "Valid", "Policy accepted"), Condition("Attached", true, "Attached", "Attached to all targets"),
                    ]))
                }
            } else {
                let what = target.sectionName.map { "\(target.kind) \(key.namespacedName) section \"\($0)\"" } ?? "\(target.kind) \(key.namespacedName)"
                diagnostics.append(Diagnostic(
                    .policyTargetNotFound, "policy targets \(what), which does not exist, so the policy applies to nothing", at: target.location,
                    fix: "fix the targetRef's group, kind and name (the policy's namespace is \(policy.meta.namespace))",
                    condition: "Attached=False/Pending", object: object))
                ancestors.append(PolicyAncestorStatus(
                    ancestorRef: ObjectKey(group: APIGroup.agentgateway, kind: "", namespace: "", name: "StatusSummary"),
                    conditions: [
                        Condition("Accepted", true, "Valid", "Policy accepted"),
                        Condition("Attached", false, "Pending", "Policy is not attached: \(what) not found"),
                    ]))
            }
        }
        if policy.targetRefs.isEmpty && !policy.hasTargetSelectors {
            diagnostics.append(Diagnostic(
                .policyTargetNotFound, "policy has neither targetRefs nor targetSelectors, so it applies to nothing", at: policy.meta.location,
                fix: "add spec.targetRefs", object: object))
        }
        if let auth = policy.backend?.auth { _ = checkAuth(auth, namespace: policy.meta.namespace, object: object) }
        checkPromptGuard(policy.backend?.promptGuard, object: object)
        report.policies.append(PolicyStatus(key: policy.key, ancestors: ancestors))
    }
}
