/// How one port of one Gateway accepts connections: its merged `frontend.tls` settings and the
/// `networkAuthorization` rules that decide, from the client address alone, who may connect.
/// gwrun enforces it; `gwc route` and the docs describe it from the same function.
public struct FrontendSettings: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        /// 12 or 13; nil: the library default (1.2 minimum, 1.3 maximum).
        public var minVersion: Int?
        public var maxVersion: Int?
        public var cipherSuites: [String] = []
        public var handshakeMilliseconds: Int = 15_000
        public var alpnProtocols: [String] = []
        public var keyExchangeGroups: [String] = []
        public init() {}
    }

    public struct NetworkRule: Sendable, Equatable {
        public var policy: String
        public var action: NetworkAction
        /// Postfix program (see `SourceOpKind`): CIDR tests resolved to networks.
        public var program: [Step]
        public enum Step: Sendable, Equatable { case cidr(CIDRBlock), not, and, or, constant(Bool) }

        public func matches(_ address: [UInt8]) -> Bool {
            var stack: [Bool] = []
            for step in program {
                switch step {
                case .cidr(let block): stack.append(block.contains(address))
                case .constant(let value): stack.append(value)
                case .not: if let top = stack.popLast() { stack.append(!top) }
                case .and, .or:
                    guard let b = stack.popLast(), let a = stack.popLast() else { return false }
                    stack.append(step == .and ? a && b : a || b)
                }
            }
            return stack.last ?? false  // the verifier checked exactly one value is left
        }
    }

    /// `frontend.proxyProtocol`: whether a PROXY header is required, and which versions are read.
    public struct ProxyProtocol: Sendable, Equatable {
        public var required: Bool
        public var acceptsV1: Bool
        public var acceptsV2: Bool
    }

    public var tls = TLS()
    public var rules: [NetworkRule] = []
    public var proxyProtocol: ProxyProtocol?
    public init() {}

    /// Whether a client at `address` may connect, as the CRD defines the actions: any matching
    /// Deny refuses; every Require must match; with any Allow rule, one must match.
    public func admits(_ address: [UInt8]) -> Bool {
        Self.decide(rules.lazy.map { ($0.action, $0.matches(address)) })
    }

    /// The CRD's combination of rule outcomes (action, whether the rule matched), shared by gwrun
    /// and gwc's exposure analysis.
    public static func decide(_ outcomes: some Sequence<(NetworkAction, Bool)>) -> Bool {
        var allowRules = 0, allowed = false
        for (action, matched) in outcomes {
            switch action {
            case .deny: if matched { return false }
            case .require: if !matched { return false }
            case .allow:
                allowRules += 1
                allowed = allowed || matched
            }
        }
        return allowRules == 0 || allowed
    }
}

extension RouteTable {
    /// The frontend settings of `port` on `gateway`: TLS fields merged (a policy limited to the
    /// port beats one on the whole Gateway; ties go to the first by namespace/name), network
    /// rules of every policy that applies.
    public func frontend(gateway: Int, port: Int) -> FrontendSettings {
        var settings = FrontendSettings()
        let refs = self.gateway(gateway).frontendRefs.filter { ref in
            let limit = word(.policyRefs, ref, Field.PolicyRef.listener)
            return limit == TableFormat.none || Int(limit) == port
        }
        // Gateway-wide first, then port-limited; within each, names descending, so that the first
        // by namespace/name is applied last and wins a field.
        let ordered = refs.map { (ref: $0, policy: policy(Int(word(.policyRefs, $0, Field.PolicyRef.policy))), portLimited: word(.policyRefs, $0, Field.PolicyRef.listener) != TableFormat.none) }
            .sorted { ($0.portLimited ? 1 : 0, $1.policy.name) < ($1.portLimited ? 1 : 0, $0.policy.name) }
        for entry in ordered {
            let record = entry.policy
            switch record.kind {
            case .frontendTLS?:
                if let value = record.tlsMinVersion { settings.tls.minVersion = value }
                if let value = record.tlsMaxVersion { settings.tls.maxVersion = value }
                if !record.tlsCipherSuites.isEmpty { settings.tls.cipherSuites = record.tlsCipherSuites }
                if let value = record.tlsHandshakeMilliseconds { settings.tls.handshakeMilliseconds = value }
                if !record.tlsALPN.isEmpty { settings.tls.alpnProtocols = record.tlsALPN }
                if !record.tlsKeyExchangeGroups.isEmpty { settings.tls.keyExchangeGroups = record.tlsKeyExchangeGroups }
            case .proxyProtocol?:
                let versions = record.word(Field.Policy.ProxyProtocol.versions)
                settings.proxyProtocol = .init(required: record.word(Field.Policy.ProxyProtocol.mode) == 0, acceptsV1: versions & 1 != 0, acceptsV2: versions & 2 != 0)
            case .networkRule?:
                settings.rules.append(.init(policy: record.name, action: record.networkAction, program: record.sourceProgram))
            default: break
            }
        }
        settings.rules.sort { $0.policy < $1.policy }
        return settings
    }
}

extension RouteTable {
    /// The `frontend.tracing` gwrun follows for `gateway`: of the policies on the whole Gateway,
    /// the first by namespace/name (lint reports one limited to a port as not enforced).
    public func tracing(gateway: Int) -> FrontendPolicy.Tracing? {
        let records = self.gateway(gateway).frontendRefs
            .filter { word(.policyRefs, $0, Field.PolicyRef.listener) == TableFormat.none }
            .map { policy(Int(word(.policyRefs, $0, Field.PolicyRef.policy))) }
            .filter { $0.kind == .tracing }
            .sorted { $0.name < $1.name }
        guard let record = records.first else { return nil }
        func ratio(_ index: Int) -> Double? { optional(record.word(index)).map { Double($0) / 1e6 } }
        return FrontendPolicy.Tracing(endpoint: string(record.word(Field.Policy.Tracing.endpoint)), randomSampling: ratio(Field.Policy.Tracing.randomSampling),
                                      clientSampling: ratio(Field.Policy.Tracing.clientSampling))
    }
}

extension RouteTable.PolicyRecord {
    public var tlsMinVersion: Int? { version(Field.Policy.FrontendTLS.minVersion) }
    public var tlsMaxVersion: Int? { version(Field.Policy.FrontendTLS.maxVersion) }
    public var tlsCipherSuites: [String] { strings(Field.Policy.FrontendTLS.firstCipher, Field.Policy.FrontendTLS.cipherCount) }
    public var tlsHandshakeMilliseconds: Int? { table.optional(word(Field.Policy.FrontendTLS.handshakeMs)).map(Int.init) }
    public var tlsALPN: [String] { strings(Field.Policy.FrontendTLS.firstALPN, Field.Policy.FrontendTLS.alpnCount) }
    public var tlsKeyExchangeGroups: [String] { strings(Field.Policy.FrontendTLS.firstGroup, Field.Policy.FrontendTLS.groupCount) }
    public var networkAction: NetworkAction { NetworkAction(rawValue: word(Field.Policy.NetworkRule.action)) ?? .deny }
    public var sourceProgram: [FrontendSettings.NetworkRule.Step] {
        table.range(.policies, index, Field.Policy.NetworkRule.firstOp, Field.Policy.NetworkRule.opCount).map { op in
            switch SourceOpKind(rawValue: table.word(.sourceOps, op, Field.SourceOp.op)) {
            case .cidr?: CIDRBlock(table.string(table.word(.sourceOps, op, Field.SourceOp.operand))).map { .cidr($0) } ?? .constant(false)
            case .not?: .not
            case .and?: .and
            case .or?: .or
            case .true?: .constant(true)
            case .false?, nil: .constant(false)
            }
        }
    }

    private func version(_ field: Int) -> Int? {
        let value = word(field)
        return value == 0 ? nil : Int(value)
    }
}
