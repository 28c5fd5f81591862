import GatewayIR

/// The front door in the table: each HTTPS listener's certificate Secrets, and each Gateway's
/// frontend policies (`tls`, `networkAuthorization`) with the port a `port` targetRef limits them to.
extension TableCompiler {
    /// An HTTPS listener's `tls`: Terminate with its certificateRefs as (tls.crt, tls.key) pairs.
    /// References lint refuses (other kinds, crossing namespaces without a grant) are left out;
    /// gwrun then refuses to serve the listener rather than serve it in cleartext.
    mutating func appendCertificateRefs(_ listener: Listener, gateway: Gateway) -> (mode: ListenerTLSMode, first: UInt32, count: UInt32) {
        let first = UInt32(model.count(.secretRefs))
        guard listener.protocol == "HTTPS" || listener.protocol == "TLS" else { return (.none, first, 0) }
        guard (listener.tls?.mode ?? "Terminate") == "Terminate" else { return (.passthrough, first, 0) }
        var count: UInt32 = 0
        for ref in listener.tls?.certificateRefs ?? [] where ref.group.isEmpty && ref.kind == "Secret" {
            let namespace = ref.namespace ?? gateway.meta.namespace
            if namespace != gateway.meta.namespace,
               !result.index.referenceGranted(fromGroup: APIGroup.gateway, fromKind: "Gateway", fromNamespace: gateway.meta.namespace,
                                              to: ObjectKey(group: "", kind: "Secret", namespace: namespace, name: ref.name)) { continue }
            guard KubernetesNames.secretReferenceProblem(namespace: namespace, name: ref.name, key: "tls.crt") == nil else { continue }
            for key in ["tls.crt", "tls.key"] {
                model.append(.secretRefs, fields: [Field.SecretRef.namespace: model.intern(namespace), Field.SecretRef.name: model.intern(ref.name), Field.SecretRef.key: model.intern(key)])
            }
            count += 2
        }
        return (.terminate, first, count)
    }

    /// Policy references for the frontend policies that target `gateway` (word 2: the port, or none).
    mutating func appendFrontendRefs(_ gateway: Gateway) -> (first: UInt32, count: UInt32) {
        let first = UInt32(model.count(.policyRefs))
        for key in Set(policiesByTarget["Gateway/\(gateway.meta.namespace)/\(gateway.meta.name)"] ?? []).sorted() {
            guard let policy = policiesByKey[key], let records = frontendIndex[key] else { continue }
            for target in policy.targetRefs where target.kind == "Gateway" && target.name == gateway.meta.name && target.sectionName == nil {
                for record in records {
                    model.append(.policyRefs, fields: [
                        Field.PolicyRef.policy: record, Field.PolicyRef.level: PolicyLevel.gateway.rawValue,
                        Field.PolicyRef.listener: target.port.map { UInt32(clamping: $0) } ?? TableFormat.none,
                    ])
                }
            }
        }
        return (first, UInt32(model.count(.policyRefs)) - first)
    }

    /// A policy's `frontend` as records: one each for `tls`, `proxyProtocol`, `tracing` and `networkAuthorization`.
    mutating func appendFrontend(_ frontend: FrontendPolicy, name: UInt32) -> [UInt32] {
        var records: [UInt32] = []
        if let tls = frontend.tls {
            func version(_ text: String?) -> UInt32 { text == "1.2" ? 12 : text == "1.3" ? 13 : 0 }
            let ciphers = appendList(tls.cipherSuites), alpn = appendList(tls.alpnProtocols), groups = appendList(tls.keyExchangeGroups)
            records.append(model.append(.policies, fields: [
                Field.Policy.kind: PolicyKind.frontendTLS.rawValue, Field.Policy.name: name,
                Field.Policy.FrontendTLS.minVersion: version(tls.minProtocolVersion), Field.Policy.FrontendTLS.maxVersion: version(tls.maxProtocolVersion),
                Field.Policy.FrontendTLS.firstCipher: ciphers.first, Field.Policy.FrontendTLS.cipherCount: ciphers.count,
                Field.Policy.FrontendTLS.handshakeMs: tls.handshakeTimeout.flatMap(Self.milliseconds) ?? TableFormat.none,
                Field.Policy.FrontendTLS.firstALPN: alpn.first, Field.Policy.FrontendTLS.alpnCount: alpn.count,
                Field.Policy.FrontendTLS.firstGroup: groups.first, Field.Policy.FrontendTLS.groupCount: groups.count,
            ]))
        }
        if let proxy = frontend.proxyProtocol {
            records.append(model.append(.policies, fields: [
                Field.Policy.kind: PolicyKind.proxyProtocol.rawValue, Field.Policy.name: name,
                Field.Policy.ProxyProtocol.mode: proxy.mode == "Optional" ? 1 : 0,
                Field.Policy.ProxyProtocol.versions: proxy.version == "V1" ? 1 : proxy.version == "All" ? 3 : 2,
            ]))
        }
        if let tracing = frontend.tracing {
            func millionths(_ ratio: Double?) -> UInt32 { ratio.map { UInt32(($0 * 1e6).rounded()) } ?? TableFormat.none }
            records.append(model.append(.policies, fields: [
                Field.Policy.kind: PolicyKind.tracing.rawValue, Field.Policy.name: name, Field.Policy.Tracing.endpoint: model.intern(tracing.endpoint),
                Field.Policy.Tracing.randomSampling: millionths(tracing.randomSampling), Field.Policy.Tracing.clientSampling: millionths(tracing.clientSampling),
            ]))
        }
        if let rule = frontend.networkAuthorization {
            let first = UInt32(model.count(.sourceOps))
            // The rule matches when every expression does: their programs joined by `and`.
            for (position, expression) in rule.expressions.enumerated() {
                appendSourceOps(expression)
                if position > 0 { appendSourceOp(.and) }
            }
            if rule.expressions.isEmpty { appendSourceOp(.false) }
            let action = NetworkAction(crdAction: rule.action)
            records.append(model.append(.policies, fields: [
                Field.Policy.kind: PolicyKind.networkRule.rawValue, Field.Policy.name: name, Field.Policy.NetworkRule.action: action.rawValue,
                Field.Policy.NetworkRule.firstOp: first, Field.Policy.NetworkRule.opCount: UInt32(model.count(.sourceOps)) - first,
            ]))
        }
        return records
    }

    private mutating func appendSourceOps(_ expression: SourceExpression) {
        switch expression {
        case .cidr(let block): appendSourceOp(.cidr, operand: model.intern(block.text))
        case .constant(let value): appendSourceOp(value ? .true : .false)
        case .not(let inner): appendSourceOps(inner); appendSourceOp(.not)
        case .and(let a, let b): appendSourceOps(a); appendSourceOps(b); appendSourceOp(.and)
        case .or(let a, let b): appendSourceOps(a); appendSourceOps(b); appendSourceOp(.or)
        }
    }

    private mutating func appendSourceOp(_ kind: SourceOpKind, operand: UInt32 = 0) {
        model.append(.sourceOps, fields: [Field.SourceOp.op: kind.rawValue, Field.SourceOp.operand: operand])
    }
}
