import Foundation
import GatewayIR

/// Upstream TLS records (docs/upstream-tls.md): one per backend that asks for TLS, and one shared
/// default (full verification against the system trust store) for providers' own endpoints. CA
/// certificates from ConfigMaps go into the table as base64 DER (they are public); those from
/// Secrets, and client certificates, stay references that gwrun resolves from its secrets.
extension TableCompiler {
    /// The record for `key`'s TLS settings, or nil when it has none.
    mutating func upstreamTLSRecord(for key: ObjectKey) -> UInt32? {
        guard let source = result.index.upstreamTLS(for: key) else { return nil }
        let tls = source.tls
        var verification: UpstreamVerification = switch tls.skipVerify {
        case .all?: .none
        case .hostname?: .chainOnly
        case nil: .full
        }
        var certificates: [String] = []
        var caSecret = TableFormat.none
        for ref in tls.caCertificateRefs {
            switch ref.kind {
            case .configMap:
                let configMap = result.index.configMaps[ObjectKey(group: "", kind: "ConfigMap", namespace: source.namespace, name: ref.name)]
                // A CA gwc cannot read (GW427, GW429; built with --allow-errors) trusts nothing.
                guard let pem = configMap?.data[BackendTLS.caKey], let der = BackendTLSChecker.certificates(pem) else {
                    verification = .refuse
                    continue
                }
                certificates += der.map { Data($0).base64EncodedString() }
            case .secret:
                guard caSecret == TableFormat.none, let ref = secretRef(source.namespace, ref.name, BackendTLS.caKey) else {
                    if caSecret == TableFormat.none { verification = .refuse }
                    continue
                }
                caSecret = ref
            }
        }
        var certificate = TableFormat.none, privateKey = TableFormat.none
        if let name = tls.clientCertificateSecret {
            if let crt = secretRef(source.namespace, name, "tls.crt"), let key = secretRef(source.namespace, name, "tls.key") {
                (certificate, privateKey) = (crt, key)
            } else {
                verification = .refuse
            }
        }
        // A BackendTLSPolicy trusting both the system's CAs and its own is refused by lint (GW403);
        // its own win here: the narrower trust.
        let names = appendList(tls.subjectAltNames)
        let cas = appendList(certificates)
        return model.append(.upstreamTLS, fields: [
            Field.UpstreamTLS.verification: verification.rawValue,
            Field.UpstreamTLS.sni: model.intern(tls.sni),
            Field.UpstreamTLS.firstName: names.first, Field.UpstreamTLS.nameCount: names.count,
            Field.UpstreamTLS.firstCA: cas.first, Field.UpstreamTLS.caCount: cas.count,
            Field.UpstreamTLS.caSecret: caSecret,
            Field.UpstreamTLS.clientCertificate: certificate, Field.UpstreamTLS.clientKey: privateKey,
        ])
    }

    /// The shared record for providers' own endpoints: the system trust store, the host's name.
    mutating func defaultUpstreamTLSRecord() -> UInt32 {
        if let made = defaultUpstreamTLS { return made }
        let made = model.append(.upstreamTLS, fields: [
            Field.UpstreamTLS.verification: UpstreamVerification.full.rawValue, Field.UpstreamTLS.sni: TableFormat.none,
            Field.UpstreamTLS.caSecret: TableFormat.none, Field.UpstreamTLS.clientCertificate: TableFormat.none, Field.UpstreamTLS.clientKey: TableFormat.none,
        ])
        defaultUpstreamTLS = made
        return made
    }

    private mutating func secretRef(_ namespace: String, _ name: String, _ key: String) -> UInt32? {
        guard KubernetesNames.secretReferenceProblem(namespace: namespace, name: name, key: key) == nil else { return nil }
        return model.append(.secretRefs, fields: [Field.SecretRef.namespace: model.intern(namespace), Field.SecretRef.name: model.intern(name), Field.SecretRef.key: model.intern(key)])
    }
}
