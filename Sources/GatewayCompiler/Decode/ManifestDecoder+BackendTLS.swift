import GatewayIR

/// TLS to backends: `policies.tls` (agentgateway) and BackendTLSPolicy (Gateway API), both into
/// one `BackendTLS`; and the ConfigMaps their CA certificates come from. The schema has checked the
/// shapes; `BackendTLSChecker` checks the references and certificates.
extension ManifestDecoder {
    mutating func decodeBackendTLS(_ node: Node, reader: NodeReader, object: String) -> BackendTLS {
        var tls = BackendTLS(
            sni: reader.string(node, "sni"), skipVerify: reader.string(node, "insecureSkipVerify").flatMap(BackendTLS.SkipVerify.init(rawValue:)),
            subjectAltNames: reader.strings(node, "verifySubjectAltNames"), location: reader.location(node))
        tls.skipVerifyLocation = node["insecureSkipVerify"].map { reader.location($0) }
        tls.caCertificateRefs = reader.items(node, "caCertificateRefs").compactMap { item in
            caRef(item, reader: reader, object: object, allowed: [.configMap, .secret])
        }
        let clients = reader.items(node, "mtlsCertificateRef")
        for item in clients {
            let kind = reader.string(item, "kind") ?? "Secret", group = reader.string(item, "group") ?? ""
            guard kind == "Secret", group.isEmpty else {
                report(Diagnostic(
                    .unsupportedValue, "`mtlsCertificateRef` names a \(group.isEmpty ? "" : group + "/")\(kind); gwrun reads client certificates from Secrets only",
                    at: reader.location(item), fix: "name a Secret with `tls.crt` and `tls.key`", object: object))
                continue
            }
            if tls.clientCertificateSecret != nil {
                report(Diagnostic(
                    .invalidValue, "`mtlsCertificateRef` names more than one credential; gwrun presents one client certificate",
                    at: reader.location(item), fix: "keep one entry", object: object))
                continue
            }
            tls.clientCertificateSecret = reader.string(item, "name")
        }
        return tls
    }

    func decodeConfigMap(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> ConfigMap {
        var data: [String: String] = [:]
        var locations: [String: SourceLocation] = [:]
        for entry in reader.entries(root["data"]) {
            data[entry.key.text] = entry.value.scalarText ?? ""
            locations[entry.key.text] = reader.location(entry.value)
        }
        return ConfigMap(meta: meta, data: data, keyLocations: locations)
    }

    mutating func decodeBackendTLSPolicy(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> BackendTLSPolicy {
        let spec = root["spec"], validation = spec?["validation"]
        let object = "\(BackendTLSPolicy.kind) \(meta.namespace)/\(meta.name)"
        let targets = decodeTargetRefs(spec, reader: reader)
        var tls = BackendTLS(sni: reader.string(validation, "hostname"), location: reader.location(validation ?? root))
        tls.caCertificateRefs = reader.items(validation, "caCertificateRefs").compactMap { item in
            caRef(item, reader: reader, object: object, allowed: [.configMap])
        }
        for item in reader.items(validation, "subjectAltNames") {
            if reader.string(item, "type") == "Hostname", let name = reader.string(item, "hostname") {
                tls.subjectAltNames.append(name)
            } else if reader.string(item, "type") == "URI" {
                report(Diagnostic(
                    .notEnforced, "`validation.subjectAltNames[]` of type URI is read, but gwrun checks DNS names only: a certificate is not accepted for its URI",
                    at: reader.location(item), fix: "name the backend's DNS name (type: Hostname)", object: object))
            }
        }
        for entry in reader.entries(spec?["options"]) {
            report(Diagnostic(
                .notEnforced, "`spec.options.\(entry.key.text)` is read, but gwrun does not act on BackendTLSPolicy options: connections use gwrun's defaults (TLS 1.2 or newer)",
                at: reader.location(entry.key.mark), fix: "remove the option", object: object))
        }
        // `hostname` is the name checked unless subjectAltNames name others (Gateway API).
        if tls.subjectAltNames.isEmpty, let hostname = tls.sni { tls.subjectAltNames = [hostname] }
        let wellKnown = reader.string(validation, "wellKnownCACertificates")
        return BackendTLSPolicy(meta: meta, targetRefs: targets, tls: tls, systemCAs: wellKnown == "System")
    }

    private mutating func caRef(_ item: Node, reader: NodeReader, object: String, allowed: Set<BackendTLS.CARef.Kind>) -> BackendTLS.CARef? {
        let kindText = reader.string(item, "kind") ?? "ConfigMap", group = reader.string(item, "group") ?? ""
        guard group.isEmpty, let kind = BackendTLS.CARef.Kind(rawValue: kindText), allowed.contains(kind) else {
            report(Diagnostic(
                .unsupportedValue, "`caCertificateRefs` names a \(group.isEmpty ? "" : group + "/")\(kindText); gwc reads CA certificates from \(allowed.map(\.rawValue).sorted().joined(separator: " or ")) only",
                at: reader.location(item), fix: "name a ConfigMap with `ca.crt`", object: object))
            return nil
        }
        return BackendTLS.CARef(kind: kind, name: reader.string(item, "name") ?? "", location: reader.location(item))
    }
}
