/// Typed views of the table's records: one per record kind, each field by name and type, so that
/// readers do not pick words by position. Views are values over a verified table (every index and
/// range in them was checked by `verify`); making one costs nothing, each property reads its word.
/// docs/table-format.md is the reference for what each holds.
extension RouteTable {
    public struct GatewayRecord {
        let table: RouteTable
        public let index: Int
        public var namespace: String { table.string(word(Field.Gateway.namespace)) }
        public var name: String { table.string(word(Field.Gateway.name)) }
        public var listeners: Range<Int> { table.range(.gateways, index, Field.Gateway.firstListener, Field.Gateway.listenerCount) }
        /// `gwc.dev/exposure: lan`: gwrun accepts connections only from LAN addresses.
        public var lanOnly: Bool { word(Field.Gateway.flags) & GatewayFlags.lanOnly != 0 }
        /// Policy references of the Gateway's frontend policies (`listener` there is a port or none).
        public var frontendRefs: Range<Int> { table.range(.gateways, index, Field.Gateway.firstFrontendRef, Field.Gateway.frontendRefCount) }
        func word(_ field: Int) -> UInt32 { table.word(.gateways, index, field) }
    }

    public struct ListenerRecord {
        let table: RouteTable
        public let index: Int
        public var gateway: Int { Int(word(Field.Listener.gateway)) }
        public var name: String { table.string(word(Field.Listener.name)) }
        public var `protocol`: String { table.string(word(Field.Listener.protocol)) }
        public var port: Int { Int(word(Field.Listener.port)) }
        public var hostname: String? { table.optionalString(word(Field.Listener.hostname)) }
        /// The listener's host entries: exact names, then wildcards, then the one for any host.
        public var hosts: Range<Int> {
            let first = Int(word(Field.Listener.firstHost))
            return first..<(first + Int(word(Field.Listener.exactHostCount)) + Int(word(Field.Listener.wildcardHostCount)) + Int(word(Field.Listener.anyHostCount)))
        }
        public var tlsMode: ListenerTLSMode { ListenerTLSMode(rawValue: word(Field.Listener.tlsMode)) ?? .none }
        /// The certificate Secrets in `certificateRefs` order: each the (tls.crt, tls.key) secret references.
        public var certificates: [(certificate: Int, key: Int)] {
            let refs = table.range(.listeners, index, Field.Listener.firstCertificateRef, Field.Listener.certificateRefCount)
            return stride(from: refs.lowerBound, to: refs.upperBound - 1, by: 2).map { ($0, $0 + 1) }
        }
        func word(_ field: Int) -> UInt32 { table.word(.listeners, index, field) }
    }

    public struct RouteRecord {
        let table: RouteTable
        public let index: Int
        public var namespace: String { table.string(word(Field.Route.namespace)) }
        public var name: String { table.string(word(Field.Route.name)) }
        public var sourceFile: String { table.string(word(Field.Route.sourceFile)) }
        public var sourceLine: Int { Int(word(Field.Route.sourceLine)) }
        public var rules: Range<Int> { table.range(.routes, index, Field.Route.firstRule, Field.Route.ruleCount) }
        func word(_ field: Int) -> UInt32 { table.word(.routes, index, field) }
    }

    public struct RuleRecord {
        let table: RouteTable
        public let index: Int
        public var route: Int { Int(word(Field.Rule.route)) }
        /// The rule's position in its HTTPRoute.
        public var ruleIndex: Int { Int(word(Field.Rule.ruleIndex)) }
        public var backendRefs: Range<Int> { table.range(.rules, index, Field.Rule.firstBackendRef, Field.Rule.backendRefCount) }
        public var filters: Range<Int> { table.range(.rules, index, Field.Rule.firstFilter, Field.Rule.filterCount) }
        public var policyRefs: Range<Int> { table.range(.rules, index, Field.Rule.firstPolicyRef, Field.Rule.policyRefCount) }
        public var requestTimeoutMilliseconds: UInt32? { table.optional(word(Field.Rule.requestTimeoutMs)) }
        public var backendTimeoutMilliseconds: UInt32? { table.optional(word(Field.Rule.backendTimeoutMs)) }
        public var sourceLine: Int { Int(word(Field.Rule.sourceLine)) }
        public var isInvalid: Bool { word(Field.Rule.flags) & RuleFlags.invalid != 0 }
        public var auditsContent: Bool { word(Field.Rule.flags) & RuleFlags.auditContent != 0 }
        /// The policies attached to the rule (through its route, Gateway and backends), unmerged.
        public var policies: [PolicyRecord] { attachedPolicies.map(\.policy) }
        public var attachedPolicies: [AttachedPolicy] {
            policyRefs.map { ref in
                AttachedPolicy(
                    policy: table.policy(Int(table.word(.policyRefs, ref, Field.PolicyRef.policy))),
                    level: PolicyLevel(rawValue: table.word(.policyRefs, ref, Field.PolicyRef.level)) ?? .gateway,
                    listener: table.optional(table.word(.policyRefs, ref, Field.PolicyRef.listener)).map(Int.init))
            }
        }
        func word(_ field: Int) -> UInt32 { table.word(.rules, index, field) }
    }

    public struct BackendRefRecord {
        let table: RouteTable
        public let index: Int
        /// nil when the reference resolves to no backend (its share answers 500).
        public var backend: Int? { table.optional(word(Field.BackendRef.backend)).map(Int.init) }
        public var weight: UInt32 { word(Field.BackendRef.weight) }
        public var port: Int? { table.optional(word(Field.BackendRef.port)).map(Int.init) }
        public var problem: String? { table.optionalString(word(Field.BackendRef.problem)) }
        /// The reference as written: group, kind, namespace and name.
        public var group: String { table.string(word(Field.BackendRef.group)) }
        public var kind: String { table.string(word(Field.BackendRef.kind)) }
        public var namespace: String { table.string(word(Field.BackendRef.namespace)) }
        public var name: String { table.string(word(Field.BackendRef.name)) }
        /// Filters that apply only to requests sent to this backendRef.
        public var filters: Range<Int> { table.range(.backendRefs, index, Field.BackendRef.firstFilter, Field.BackendRef.filterCount) }
        func word(_ field: Int) -> UInt32 { table.word(.backendRefs, index, field) }
    }

    public struct BackendRecord {
        let table: RouteTable
        public let index: Int
        public var kind: BackendKind? { BackendKind(rawValue: word(Field.Backend.kind)) }
        public var namespace: String { table.string(word(Field.Backend.namespace)) }
        public var name: String { table.string(word(Field.Backend.name)) }
        /// A static backend's host and port.
        public var host: String? { table.optionalString(word(Field.Backend.host)) }
        public var port: Int? { table.optional(word(Field.Backend.port)).map(Int.init) }
        public var providers: Range<Int> { table.range(.backends, index, Field.Backend.firstProvider, Field.Backend.providerCount) }
        public var routeTypes: Range<Int> { table.range(.backends, index, Field.Backend.firstRouteType, Field.Backend.routeTypeCount) }
        public var requestTimeoutMilliseconds: UInt32? { table.optional(word(Field.Backend.requestTimeoutMs)) }
        /// TLS to the backend; nil: plain HTTP.
        public var tls: UpstreamTLSRecord? { table.optional(word(Field.Backend.tls)).map { table.upstreamTLS(Int($0)) } }
        /// `ai.modelAliases`, sorted by alias.
        public var modelAliases: [(alias: String, model: String)] {
            let strings = table.range(.backends, index, Field.Backend.firstAlias, Field.Backend.aliasCount).map { table.string(table.word(.stringLists, $0, 0)) }
            return stride(from: 0, to: strings.count - 1, by: 2).map { (strings[$0], strings[$0 + 1]) }
        }
        /// `ai.defaults`, `ai.overrides`, `ai.prompt`, in order; `kind` nil for a kind this reader does not know.
        public var requestEdits: [(kind: RequestEdit.Kind?, key: String, value: String)] {
            let strings = table.range(.backends, index, Field.Backend.firstEdit, Field.Backend.editCount).map { table.string(table.word(.stringLists, $0, 0)) }
            return stride(from: 0, to: strings.count - 2, by: 3).map { (RequestEdit.Kind(rawValue: strings[$0]), strings[$0 + 1], strings[$0 + 2]) }
        }
        /// `ai.promptCaching`, nil when the backend does not set it.
        public var promptCaching: PromptCaching? {
            let flags = PromptCachingFlags(rawValue: word(Field.Backend.promptCaching))
            guard flags.contains(.enabled) else { return nil }
            var caching = PromptCaching()
            caching.cacheSystem = flags.contains(.system)
            caching.cacheMessages = flags.contains(.messages)
            caching.cacheTools = flags.contains(.tools)
            caching.minTokens = Int(word(Field.Backend.cacheMinTokens))
            caching.messageOffset = Int(word(Field.Backend.cacheMessageOffset))
            return caching
        }
        func word(_ field: Int) -> UInt32 { table.word(.backends, index, field) }
    }

    public struct ProviderRecord {
        let table: RouteTable
        public let index: Int
        public var kind: String { table.string(word(Field.Provider.kind)) }
        public var model: String? { table.optionalString(word(Field.Provider.model)) }
        public var host: String? { table.optionalString(word(Field.Provider.host)) }
        public var port: Int? { table.optional(word(Field.Provider.port)).map(Int.init) }
        public var path: String? { table.optionalString(word(Field.Provider.path)) }
        public var pathPrefix: String? { table.optionalString(word(Field.Provider.pathPrefix)) }
        /// The Secret holding the backend's credential, when it names one.
        public var secretRef: SecretRefRecord? { table.optional(word(Field.Provider.auth)).map { table.secretRef(Int($0)) } }
        public var authMode: AuthMode? { AuthMode(rawValue: word(Field.Provider.authMode)) }
        public var name: String? { table.optionalString(word(Field.Provider.name)) }
        /// The failover priority group (`ai.groups` index; 0 for a single provider).
        public var group: Int { Int(word(Field.Provider.group)) }
        /// TLS to the provider; nil: plain HTTP (a host override without `policies.tls`).
        public var tls: UpstreamTLSRecord? { table.optional(word(Field.Provider.tls)).map { table.upstreamTLS(Int($0)) } }
        public var usesTLS: Bool { tls != nil }
        /// Appended to every operation's path after `?` (Azure's `api-version=…`).
        public var query: String? { table.optionalString(word(Field.Provider.query)) }
        public var formats: ProviderFormats { ProviderFormats(rawValue: word(Field.Provider.formats)) }
        public var credentialHeader: CredentialHeader { CredentialHeader(rawValue: word(Field.Provider.credentialHeader)) ?? .bearer }
        /// SigV4's region and service, for a provider whose requests are signed (`awsSigV4`).
        public var signingRegion: String? { table.optionalString(word(Field.Provider.signingRegion)) }
        public var signingService: String? { table.optionalString(word(Field.Provider.signingService)) }
        func word(_ field: Int) -> UInt32 { table.word(.providers, index, field) }
    }

    public struct RouteTypeRecord {
        let table: RouteTable
        public let index: Int
        public var suffix: String { table.string(table.word(.routeTypes, index, Field.RouteType.suffix)) }
        public var type: String { table.string(table.word(.routeTypes, index, Field.RouteType.type)) }
    }

    public struct SecretRefRecord {
        let table: RouteTable
        public let index: Int
        public var namespace: String { table.string(table.word(.secretRefs, index, Field.SecretRef.namespace)) }
        public var name: String { table.string(table.word(.secretRefs, index, Field.SecretRef.name)) }
        /// Empty for a reference to a whole Secret (an API-key set).
        public var key: String { table.string(table.word(.secretRefs, index, Field.SecretRef.key)) }
    }

    /// How gwrun originates TLS to an upstream (docs/upstream-tls.md).
    public struct UpstreamTLSRecord {
        let table: RouteTable
        public let index: Int
        public var verification: UpstreamVerification { UpstreamVerification(rawValue: word(Field.UpstreamTLS.verification)) ?? .full }
        /// The SNI; nil: the destination host when it is a name.
        public var sni: String? { table.optionalString(word(Field.UpstreamTLS.sni)) }
        /// Names the certificate must hold one of; empty: the destination host.
        public var names: [String] { strings(Field.UpstreamTLS.firstName, Field.UpstreamTLS.nameCount) }
        /// Trusted CA certificates, base64 DER; empty with no `caSecret`: the system trust store.
        public var caCertificates: [String] { strings(Field.UpstreamTLS.firstCA, Field.UpstreamTLS.caCount) }
        /// A Secret key holding PEM CA certificates (trusted with `caCertificates`).
        public var caSecret: SecretRefRecord? { table.optional(word(Field.UpstreamTLS.caSecret)).map { table.secretRef(Int($0)) } }
        /// The client certificate chain and key for mutual TLS.
        public var clientCertificate: SecretRefRecord? { table.optional(word(Field.UpstreamTLS.clientCertificate)).map { table.secretRef(Int($0)) } }
        public var clientKey: SecretRefRecord? { table.optional(word(Field.UpstreamTLS.clientKey)).map { table.secretRef(Int($0)) } }
        /// Whether the system trust store is used: no CA of the record's own.
        public var usesSystemTrust: Bool { caCertificates.isEmpty && caSecret == nil }
        /// The providers' default: the system trust store, the destination's name, no client certificate.
        public var isDefault: Bool { verification == .full && sni == nil && names.isEmpty && usesSystemTrust && clientCertificate == nil }
        func strings(_ first: Int, _ count: Int) -> [String] {
            table.range(.upstreamTLS, index, first, count).map { table.string(table.word(.stringLists, $0, 0)) }
        }
        func word(_ field: Int) -> UInt32 { table.word(.upstreamTLS, index, field) }
    }

    public struct HermesClientRecord {
        let table: RouteTable
        public let index: Int
        public var configFile: String { table.string(word(Field.HermesClient.configFile)) }
        public var role: String { table.string(word(Field.HermesClient.role)) }
        public var url: String { table.string(word(Field.HermesClient.url)) }
        public var mode: String { table.string(word(Field.HermesClient.mode)) }
        public var model: String? { table.optionalString(word(Field.HermesClient.model)) }
        public var port: Int { Int(word(Field.HermesClient.port)) }
        public var path: String { table.string(word(Field.HermesClient.path)) }
        public var host: String { table.string(word(Field.HermesClient.host)) }
        /// The Gateway the endpoint's requests reach, when one listens on its port.
        public var gateway: Int? { table.optional(word(Field.HermesClient.gateway)).map(Int.init) }
        func word(_ field: Int) -> UInt32 { table.word(.hermesClients, index, field) }
    }

    public func hermesClient(_ index: Int) -> HermesClientRecord { HermesClientRecord(table: self, index: index) }
    public func gateway(_ index: Int) -> GatewayRecord { GatewayRecord(table: self, index: index) }
    public func listener(_ index: Int) -> ListenerRecord { ListenerRecord(table: self, index: index) }
    public func route(_ index: Int) -> RouteRecord { RouteRecord(table: self, index: index) }
    public func rule(_ index: Int) -> RuleRecord { RuleRecord(table: self, index: index) }
    public func backendRef(_ index: Int) -> BackendRefRecord { BackendRefRecord(table: self, index: index) }
    public func backend(_ index: Int) -> BackendRecord { BackendRecord(table: self, index: index) }
    public func provider(_ index: Int) -> ProviderRecord { ProviderRecord(table: self, index: index) }
    public func routeType(_ index: Int) -> RouteTypeRecord { RouteTypeRecord(table: self, index: index) }
    public func secretRef(_ index: Int) -> SecretRefRecord { SecretRefRecord(table: self, index: index) }
    public func upstreamTLS(_ index: Int) -> UpstreamTLSRecord { UpstreamTLSRecord(table: self, index: index) }
    public func policy(_ index: Int) -> PolicyRecord { PolicyRecord(table: self, index: index) }

    /// A (first, count) pair of a record as a range (verified to lie inside its target section).
    func range(_ section: TableSection, _ record: Int, _ first: Int, _ count: Int) -> Range<Int> {
        let start = Int(word(section, record, first))
        return start..<(start + Int(word(section, record, count)))
    }

    /// A word that holds `TableFormat.none` when absent.
    func optional(_ value: UInt32) -> UInt32? { value == TableFormat.none ? nil : value }
}
