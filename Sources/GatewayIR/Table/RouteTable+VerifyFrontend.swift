/// The verifier's checks of what the front door reads: listeners' certificate pairs, Gateways'
/// frontend policy references (frontend kinds only, and rules never refer to those), and the
/// source-address programs (each network, and each program's stack use).
extension RouteTable {
    func verifyFrontend() throws {
        for record in 0..<count(.listeners) {
            let at = sectionInfo(.listeners).offset + record * TableSection.listeners.recordWords * 4
            guard word(.listeners, record, Field.Listener.certificateRefCount) % 2 == 0 else {
                throw TableError(offset: at + Field.Listener.certificateRefCount * 4, "listener \(record) certificate references are not (tls.crt, tls.key) pairs")
            }
        }
        let frontendKinds: Set<UInt32> = [PolicyKind.frontendTLS.rawValue, PolicyKind.networkRule.rawValue, PolicyKind.proxyProtocol.rawValue, PolicyKind.tracing.rawValue]
        var frontendRefs = Set<Int>()
        for record in 0..<count(.gateways) {
            let first = Int(word(.gateways, record, Field.Gateway.firstFrontendRef))
            for ref in first..<(first + Int(word(.gateways, record, Field.Gateway.frontendRefCount))) {
                frontendRefs.insert(ref)
                let policy = Int(word(.policyRefs, ref, Field.PolicyRef.policy))
                guard frontendKinds.contains(word(.policies, policy, Field.Policy.kind)) else {
                    throw TableError(offset: sectionInfo(.gateways).offset + record * TableSection.gateways.recordWords * 4, "gateway \(record) refers to policy \(policy), which is not a frontend policy")
                }
            }
        }
        for ref in 0..<count(.policyRefs) where !frontendRefs.contains(ref) {
            let policy = Int(word(.policyRefs, ref, Field.PolicyRef.policy))
            guard !frontendKinds.contains(word(.policies, policy, Field.Policy.kind)) else {
                throw TableError(offset: sectionInfo(.policyRefs).offset + ref * TableSection.policyRefs.recordWords * 4, "policy reference \(ref) attaches frontend policy \(policy) to a rule")
            }
        }
        for record in 0..<count(.sourceOps) where word(.sourceOps, record, Field.SourceOp.op) == SourceOpKind.cidr.rawValue {
            let id = word(.sourceOps, record, Field.SourceOp.operand)
            guard Int(id) < stringCount, CIDRBlock(string(id)) != nil else {
                throw TableError(offset: sectionInfo(.sourceOps).offset + record * TableSection.sourceOps.recordWords * 4 + 4, "source op \(record) is not a CIDR network")
            }
        }
        for record in 0..<count(.policies) {
            let at = sectionInfo(.policies).offset + record * TableSection.policies.recordWords * 4
            func field(_ index: Int) -> UInt32 { word(.policies, record, index) }
            switch PolicyKind(rawValue: field(Field.Policy.kind)) {
            case .frontendTLS?:
                for index in [Field.Policy.FrontendTLS.minVersion, Field.Policy.FrontendTLS.maxVersion] where ![0, 12, 13].contains(field(index)) {
                    throw TableError(offset: at + index * 4, "policy \(record) has an unknown TLS version \(field(index))")
                }
                for (first, count) in [(Field.Policy.FrontendTLS.firstCipher, Field.Policy.FrontendTLS.cipherCount), (Field.Policy.FrontendTLS.firstALPN, Field.Policy.FrontendTLS.alpnCount),
                                       (Field.Policy.FrontendTLS.firstGroup, Field.Policy.FrontendTLS.groupCount)] {
                    let (end, overflow) = field(first).addingReportingOverflow(field(count))
                    guard !overflow, Int(end) <= self.count(.stringLists) else { throw TableError(offset: at + first * 4, "policy \(record) list runs past its section") }
                }
            case .networkRule?:
                guard field(Field.Policy.NetworkRule.action) < 3 else { throw TableError(offset: at + Field.Policy.NetworkRule.action * 4, "policy \(record) has an unknown network action") }
                let (end, overflow) = field(Field.Policy.NetworkRule.firstOp).addingReportingOverflow(field(Field.Policy.NetworkRule.opCount))
                guard !overflow, Int(end) <= count(.sourceOps) else { throw TableError(offset: at + Field.Policy.NetworkRule.firstOp * 4, "policy \(record) source program runs past its section") }
                var depth = 0
                for op in Int(field(Field.Policy.NetworkRule.firstOp))..<Int(end) {
                    switch SourceOpKind(rawValue: word(.sourceOps, op, Field.SourceOp.op)) {
                    case .cidr?, .true?, .false?: depth += 1
                    case .not?: guard depth >= 1 else { depth = -1; break }
                    case .and?, .or?: depth = depth >= 2 ? depth - 1 : -1
                    case nil: depth = -1
                    }
                    if depth < 0 { break }
                }
                guard depth == 1 else { throw TableError(offset: at + Field.Policy.NetworkRule.firstOp * 4, "policy \(record) source program does not leave exactly one value") }
            case .tracing?:
                let endpoint = field(Field.Policy.Tracing.endpoint)
                guard Int(endpoint) < stringCount, string(endpoint).hasPrefix("http://") || string(endpoint).hasPrefix("https://") else {
                    throw TableError(offset: at + Field.Policy.Tracing.endpoint * 4, "policy \(record) has a tracing endpoint that is not an http(s) URL")
                }
                for index in [Field.Policy.Tracing.randomSampling, Field.Policy.Tracing.clientSampling] where field(index) != TableFormat.none && field(index) > 1_000_000 {
                    throw TableError(offset: at + index * 4, "policy \(record) has a sampling ratio above 1")
                }
            case .proxyProtocol?:
                guard field(Field.Policy.ProxyProtocol.mode) <= 1, (1...3).contains(field(Field.Policy.ProxyProtocol.versions)) else {
                    throw TableError(offset: at + Field.Policy.ProxyProtocol.mode * 4, "policy \(record) has an unknown PROXY protocol mode or version")
                }
            default: break
            }
        }
    }
}
