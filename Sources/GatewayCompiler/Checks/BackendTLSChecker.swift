import Foundation
import GatewayIR
import SwiftASN1
import X509

/// TLS to backends (docs/upstream-tls.md): the CA and client certificates each setting names exist
/// and parse, settings that cannot go together, verification turned off, BackendTLSPolicy
/// targets. Never prints key material.
struct BackendTLSChecker {
    let index: ResourceIndex
    var diagnostics: [Diagnostic] = []

    mutating func run() {
        for backend in index.resources.backends where backend.policies.tls != nil {
            if let tls = backend.policies.tls { check(tls, namespace: backend.meta.namespace, field: "policies.tls", object: backend.key.description) }
        }
        for policy in index.resources.policies {
            guard let tls = policy.backend?.tls else { continue }
            let object = "AgentgatewayPolicy \(policy.meta.namespace)/\(policy.meta.name)"
            check(tls, namespace: policy.meta.namespace, field: "spec.backend.tls", object: object)
            for target in policy.targetRefs where !["AgentgatewayBackend", "Service"].contains(target.kind) {
                diagnostics.append(Diagnostic(
                    .notEnforced, "`spec.backend.tls` of a policy targeting a \(target.kind) is read, but gwrun applies backend TLS only to the AgentgatewayBackends and Services a policy targets: connections from \(target.kind) \(target.name) stay as they are",
                    at: target.location, fix: "target the AgentgatewayBackend or Service itself", object: object))
            }
        }
        for policy in index.resources.backendTLSPolicies { checkPolicy(policy) }
        checkConflicts()
    }

    /// Two settings for one backend: the first wins (`ResourceIndex.upstreamTLS`); each other one
    /// is said to be ignored where it is written.
    private mutating func checkConflicts() {
        var keys = Set(index.backends.keys)
        for policy in index.resources.backendTLSPolicies {
            for target in policy.targetRefs where target.kind == "Service" {
                keys.insert(ObjectKey(group: "", kind: "Service", namespace: policy.meta.namespace, name: target.name))
            }
        }
        for policy in index.resources.policies where policy.backend?.tls != nil {
            for target in policy.targetRefs where target.kind == "Service" {
                keys.insert(ObjectKey(group: "", kind: "Service", namespace: policy.meta.namespace, name: target.name))
            }
        }
        for key in keys.sorted() {
            let candidates = index.upstreamTLSCandidates(for: key)
            guard let winner = candidates.first else { continue }
            for loser in candidates.dropFirst() {
                diagnostics.append(Diagnostic(
                    .policyConflict, "\(loser.origin) sets TLS to \(key.description), but \(winner.origin) does too and wins: these settings are not used",
                    at: loser.tls.location, fix: "keep one TLS setting per backend", object: loser.origin))
            }
        }
    }

    private mutating func checkPolicy(_ policy: BackendTLSPolicy) {
        let object = "\(BackendTLSPolicy.kind) \(policy.meta.namespace)/\(policy.meta.name)"
        for target in policy.targetRefs {
            guard target.group.isEmpty, target.kind == "Service" else {
                diagnostics.append(Diagnostic(
                    .unsupportedValue, "BackendTLSPolicy targets a \(target.group.isEmpty ? "" : target.group + "/")\(target.kind); gwrun applies it to Services only",
                    at: target.location, fix: "target the Service the route's backendRef names", condition: "Accepted=False/TargetNotFound", object: object))
                continue
            }
            if !index.targetExists(target, namespace: policy.meta.namespace) {
                diagnostics.append(Diagnostic(
                    .policyTargetNotFound, "BackendTLSPolicy targets Service \(policy.meta.namespace)/\(target.name), which does not exist",
                    at: target.location, fix: "name a Service in namespace \(policy.meta.namespace)", condition: "Accepted=False/TargetNotFound", object: object))
            }
            if let section = target.sectionName {
                diagnostics.append(Diagnostic(
                    .notEnforced, "`sectionName: \(section)` is read, but gwrun applies a BackendTLSPolicy to every port of the Service: a cleartext port of it is refused (502)",
                    at: target.location, fix: "remove `sectionName`, or give the TLS port its own Service", object: object))
            }
        }
        if policy.systemCAs == !policy.tls.caCertificateRefs.isEmpty {
            diagnostics.append(Diagnostic(
                .exclusiveFields, "`validation` must set exactly one of `caCertificateRefs` and `wellKnownCACertificates: System`",
                at: policy.tls.location, fix: "name the ConfigMap with the backend's CA, or trust the system's CAs", condition: "Accepted=False/Invalid", object: object))
        }
        check(policy.tls, namespace: policy.meta.namespace, field: "spec.validation", object: object)
    }

    private mutating func check(_ tls: BackendTLS, namespace: String, field: String, object: String) {
        if let skip = tls.skipVerify {
            diagnostics.append(Diagnostic(
                .backendTLSUnverified,
                skip == .all ? "`\(field).insecureSkipVerify: All`: gwrun accepts any certificate, so whoever can reach the connection can read the backend's key and every prompt"
                    : "`\(field).insecureSkipVerify: Hostname`: gwrun accepts any certificate the CAs issued, for any name",
                at: tls.skipVerifyLocation ?? tls.location, fix: "trust the backend's CA with `caCertificateRefs` (and name it with `verifySubjectAltNames`) instead", object: object))
            if !tls.subjectAltNames.isEmpty || (skip == .all && !tls.caCertificateRefs.isEmpty) {
                diagnostics.append(Diagnostic(
                    .exclusiveFields, "`\(field).insecureSkipVerify` cannot go with `\(tls.subjectAltNames.isEmpty ? "caCertificateRefs" : "verifySubjectAltNames")`",
                    at: tls.location, fix: "keep the verification, drop insecureSkipVerify", condition: "Accepted=False/Invalid", object: object))
            }
        }
        for ref in tls.caCertificateRefs { checkCA(ref, namespace: namespace, field: field, object: object) }
        if let name = tls.clientCertificateSecret { checkClientCertificate(name, namespace: namespace, at: tls.location, field: field, object: object) }
    }

    private mutating func checkCA(_ ref: BackendTLS.CARef, namespace: String, field: String, object: String) {
        let pem: String
        let location: SourceLocation
        switch ref.kind {
        case .configMap:
            guard let configMap = index.configMaps[ObjectKey(group: "", kind: "ConfigMap", namespace: namespace, name: ref.name)] else {
                diagnostics.append(Diagnostic(
                    .backendTLSSourceMissing, "`\(field).caCertificateRefs` names ConfigMap \(namespace)/\(ref.name), which is not among the inputs: gwc puts its CA certificates into the table, and without them gwrun trusts no certificate of this backend (502)",
                    at: ref.location, fix: "add the ConfigMap's manifest to gwc's inputs (kubectl get configmap \(ref.name) -n \(namespace) -o yaml)", object: object))
                return
            }
            guard let value = configMap.data[BackendTLS.caKey] else {
                diagnostics.append(Diagnostic(
                    .backendTLSSourceMissing, "ConfigMap \(namespace)/\(ref.name) has no key `\(BackendTLS.caKey)`",
                    at: ref.location, notes: [DiagnosticNote("ConfigMap defined here", at: configMap.meta.location)], fix: "put the PEM CA certificates under `data.ca.crt`", object: object))
                return
            }
            (pem, location) = (value, configMap.keyLocations[BackendTLS.caKey] ?? configMap.meta.location)
        case .secret:
            guard let secret = secretValue(ref.name, key: BackendTLS.caKey, namespace: namespace, at: ref.location, object: object) else { return }
            (pem, location) = (secret, ref.location)
        }
        if Self.certificates(pem) == nil {
            diagnostics.append(Diagnostic(
                .backendTLSCertificateInvalid, "`\(BackendTLS.caKey)` of \(ref.kind.rawValue) \(namespace)/\(ref.name) is not a PEM bundle of certificates",
                at: location, fix: "store the CA certificates as `-----BEGIN CERTIFICATE-----` blocks", object: object))
        }
    }

    private mutating func checkClientCertificate(_ name: String, namespace: String, at location: SourceLocation, field: String, object: String) {
        guard let certificate = secretValue(name, key: "tls.crt", namespace: namespace, at: location, object: object),
            let key = secretValue(name, key: "tls.key", namespace: namespace, at: location, object: object)
        else { return }
        for case .unusable(let problem) in CertificateInspection.inspect(certificatePEM: certificate, keyPEM: key, hostname: nil, now: .now) {
            diagnostics.append(Diagnostic(
                .backendTLSCertificateInvalid, "`\(field).mtlsCertificateRef` Secret \(namespace)/\(name): \(problem)",
                at: location, fix: "store the client certificate chain in `tls.crt` and its unencrypted key in `tls.key`", object: object))
        }
    }

    /// A Secret's key as text, or nil after reporting why there is none (a Secret gwc was not given
    /// is reported as backend auth Secrets are).
    private mutating func secretValue(_ name: String, key: String, namespace: String, at location: SourceLocation, object: String) -> String? {
        guard let secret = index.secret(namespace: namespace, name: name) else {
            diagnostics.append(Diagnostic(
                .backendSecretNotFound, "backend TLS names Secret \(namespace)/\(name), which does not exist", at: location,
                fix: "create the Secret in namespace \(namespace), or give gwc its manifest", object: object))
            return nil
        }
        guard let value = secret.values[key] else {
            diagnostics.append(Diagnostic(
                .backendSecretKeyMissing, "Secret \(namespace)/\(name) has no key \"\(key)\"", at: location,
                notes: [DiagnosticNote("Secret defined here", at: secret.meta.location)], fix: "add `\(key)` to the Secret", object: object))
            return nil
        }
        return value.revealString()
    }

    /// The DER certificates of a PEM bundle, or nil when it holds none or one does not parse.
    static func certificates(_ pem: String) -> [[UInt8]]? {
        guard let documents = try? PEMDocument.parseMultiple(pemString: pem).filter({ $0.discriminator == "CERTIFICATE" }), !documents.isEmpty else { return nil }
        for document in documents where (try? Certificate(pemDocument: document)) == nil { return nil }
        return documents.map(\.derBytes)
    }
}
