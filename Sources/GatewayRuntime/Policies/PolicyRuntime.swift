import Dispatch
import GatewayIR
import NIOCore

/// A table's policies made ready to enforce, once per table load: each rule's merged chain
/// (`RouteTable.policyChain`, the one `gwc route` prints) as authenticators and rate-limit
/// buckets, each built once per policy record and shared by the rules it applies to. Rules whose
/// chain depends on the listener (a Gateway policy with `sectionName`) get one chain per listener.
public final class PolicyRuntime: Sendable {
    private let byRule: [RulePolicies?]
    /// A rule's chain per listener, where a listener-scoped policy makes them differ (nil: none there).
    private let byListener: [Int: [Int: RulePolicies?]]
    /// What could not be used (an API-key entry without a key, an htpasswd line without a hash),
    /// for the log; never a value.
    public let warnings: [String]
    /// The rate-limit keys this table uses (for `RateLimitStore.retain`).
    let bucketKeys: Set<String>

    public static let empty = PolicyRuntime(byRule: [], byListener: [:], warnings: [], bucketKeys: [])

    private init(byRule: [RulePolicies?], byListener: [Int: [Int: RulePolicies?]], warnings: [String], bucketKeys: Set<String>) {
        self.byRule = byRule
        self.byListener = byListener
        self.warnings = warnings
        self.bucketKeys = bucketKeys
    }

    /// Loads the table's policies: JWT key sets through jwt-kit (which is asynchronous), a remote
    /// set fetched once with `client` and then kept fresh (its failures go to `log`), then the rest.
    public static func load(
        table: RouteTable, secrets: SecretStore, limits: RateLimitStore, client: UpstreamClient? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in }, now: UInt64 = DispatchTime.now().uptimeNanoseconds
    ) async -> PolicyRuntime {
        var keys: [Int: [JWTAuthenticator.Key]] = [:], remote: [Int: RemoteKeySet] = [:], warnings: [String] = []
        for index in 0..<table.count(.policies) where table.policy(index).kind == .jwtAuthentication {
            let record = table.policy(index)
            if let url = record.remoteJWKS {
                let set = RemoteKeySet(url: url, cacheSeconds: record.jwksCacheSeconds, policy: record.name)
                if let client {
                    if let problem = await set.refresh(client: client) { warnings.append(problem + "; retried every \(set.cacheSeconds) s") }
                    set.keepFresh(client: client, log: log)
                } else {
                    warnings.append("policy \(record.name): no client to fetch the key set at \(url) with")
                }
                remote[index] = set
                if record.jwks.isEmpty { continue }
            }
            let loaded = await JWTAuthenticator.loadKeys(jwks: record.jwks, policy: record.name)
            keys[index] = loaded.keys
            warnings += loaded.warnings
        }
        return PolicyRuntime(table: table, secrets: secrets, limits: limits, jwtKeys: keys, remoteKeys: remote, warnings: warnings, now: now)
    }

    /// Without `jwtKeys` (see `load`), a JWT policy verifies no token: it refuses every client.
    public convenience init(table: RouteTable, secrets: SecretStore, limits: RateLimitStore, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        self.init(table: table, secrets: secrets, limits: limits, jwtKeys: [:], remoteKeys: [:], warnings: [], now: now)
    }

    convenience init(
        table: RouteTable, secrets: SecretStore, limits: RateLimitStore, jwtKeys: [Int: [JWTAuthenticator.Key]], remoteKeys: [Int: RemoteKeySet],
        warnings: [String], now: UInt64
    ) {
        var builder = Builder(table: table, secrets: secrets, limits: limits, now: now)
        builder.jwtKeys = jwtKeys
        builder.remoteKeys = remoteKeys
        builder.warnings = warnings
        var byRule: [RulePolicies?] = Array(repeating: nil, count: table.count(.rules))
        var byListener: [Int: [Int: RulePolicies?]] = [:]
        for rule in 0..<table.count(.rules) {
            let attached = table.rule(rule).attachedPolicies
            guard !attached.isEmpty else { continue }
            let unscoped = builder.policies(table.policyChain(rule: rule, listener: nil))
            byRule[rule] = unscoped.isEmpty ? nil : RulePolicies(unscoped)
            for listener in Set(attached.compactMap(\.listener)) {
                let scoped = builder.policies(table.policyChain(rule: rule, listener: listener))
                byListener[rule, default: [:]][listener] = .some(scoped.isEmpty ? nil : RulePolicies(scoped))
            }
        }
        // A Secret several policies read is reported once.
        var seen = Set<String>()
        let warnings = builder.warnings.filter { seen.insert($0).inserted }
        self.init(byRule: byRule, byListener: byListener, warnings: warnings, bucketKeys: builder.bucketKeys)
    }

    /// The policies of `rule` on `listener`; nil when it has none.
    func policies(rule: Int, listener: Int) -> RulePolicies? {
        if let scoped = byListener[rule]?[listener] { return scoped }
        return rule < byRule.count ? byRule[rule] : nil
    }

    private struct Builder {
        let table: RouteTable
        let secrets: SecretStore
        let limits: RateLimitStore
        let now: UInt64
        var authenticators: [Int: any ClientAuthenticator] = [:]
        var buckets: [Int: RateLimitBucket] = [:]
        var warnings: [String] = []
        var bucketKeys: Set<String> = []
        var jwtKeys: [Int: [JWTAuthenticator.Key]] = [:]
        var remoteKeys: [Int: RemoteKeySet] = [:]
        var guardRules: [Int: PromptGuardRule] = [:]
        var budgets: [Int: BudgetLimit] = [:]

        /// Each rate-limit (or budget) record's place among its policy's, counted once for the table.
        let rateLimitOrdinals: [Int: Int]

        init(table: RouteTable, secrets: SecretStore, limits: RateLimitStore, now: UInt64) {
            self.table = table
            self.secrets = secrets
            self.limits = limits
            self.now = now
            var seen: [String: Int] = [:], ordinals: [Int: Int] = [:]
            for index in 0..<table.count(.policies) {
                let record = table.policy(index)
                guard record.kind == .localRateLimit || record.kind == .budget else { continue }
                ordinals[index] = seen[record.name, default: 0]
                seen[record.name, default: 0] += 1
            }
            rateLimitOrdinals = ordinals
        }

        mutating func policies(_ chain: [RouteTable.AttachedPolicy]) -> RulePolicies.Parts {
            var policies = RulePolicies.Parts()
            for attached in chain {
                let record = attached.policy
                switch record.kind {
                case .apiKeyAuthentication?, .basicAuthentication?:
                    policies.authenticators.append(authenticator(record))
                case .jwtAuthentication?:
                    // A policy's providers are consecutive records of the chain: one authenticator for them all.
                    if policies.authenticators.last?.policy == record.name, policies.authenticators.last is JWTAuthenticator { continue }
                    let providers = chain.map(\.policy).filter { $0.kind == .jwtAuthentication && $0.name == record.name }
                    policies.authenticators.append(jwtAuthenticator(providers))
                case .localRateLimit?:
                    let bucket = bucket(record)
                    if bucket.unit == .requests { policies.requestLimits.append(bucket) } else { policies.tokenLimits.append(bucket) }
                case .budget?:
                    policies.budgets.append(budget(record))
                case .cors?:
                    policies.cors = CORSPolicy(record)
                case .headerModifier?:
                    if record.headerDirection == 0 { policies.requestHeaderOps.append(record.headerOps) } else { policies.responseHeaderOps.append(record.headerOps) }
                case .directResponse?:
                    var headers: [(name: String, value: String)] = []
                    table.applyHeaderOps(record.headerOps, to: &headers)
                    if record.directBody != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(("content-type", "text/plain; charset=utf-8")) }
                    policies.directResponse = GatewayResponse(status: record.directStatus, headers: headers, body: ByteBuffer(string: record.directBody ?? ""))
                case .hostRewrite?:
                    policies.hostRewriteAuto = record.rewritesHostAutomatically
                case .retry?:
                    policies.retry = RetryPolicy(record)
                case .promptGuard?:
                    var promptGuard = policies.promptGuard ?? PromptGuard()
                    let rule = guardRule(record)
                    if record.guardDirection == 0 { promptGuard.request.append(rule) } else { promptGuard.response.append(rule) }
                    policies.promptGuard = promptGuard
                case .timeout?:
                    break  // every timeout acts through `RequestProcessor.timeout`
                case nil, .frontendTLS?, .networkRule?, .proxyProtocol?, .tracing?:
                    break  // the verifier refuses unknown kinds, and frontend kinds in a rule's chain
                }
            }
            return policies
        }

        mutating func authenticator(_ record: RouteTable.PolicyRecord) -> any ClientAuthenticator {
            if let built = authenticators[record.index] { return built }
            let built: any ClientAuthenticator = record.kind == .basicAuthentication
                ? BasicAuthenticator(record: record, table: table, secrets: secrets, warnings: &warnings)
                : APIKeyAuthenticator(record: record, table: table, secrets: secrets, warnings: &warnings)
            authenticators[record.index] = built
            return built
        }

        mutating func budget(_ record: RouteTable.PolicyRecord) -> BudgetLimit {
            if let built = budgets[record.index] { return built }
            let built = BudgetLimit(record, ordinal: rateLimitOrdinals[record.index] ?? 0)
            if BudgetCalendar(zone: record.budgetTimeZone) == nil {
                warnings.append("budget \(record.name): time zone \(record.budgetTimeZone) is unknown on this system; its windows follow UTC")
            }
            budgets[record.index] = built
            return built
        }

        mutating func guardRule(_ record: RouteTable.PolicyRecord) -> PromptGuardRule {
            if let built = guardRules[record.index] { return built }
            let built = PromptGuardRule(record: record, warnings: &warnings)
            guardRules[record.index] = built
            return built
        }

        mutating func jwtAuthenticator(_ records: [RouteTable.PolicyRecord]) -> any ClientAuthenticator {
            guard let first = records.first else { return JWTAuthenticator(policy: "", mode: .strict, reader: CredentialReader(kind: .expression, name: "", prefix: ""), providers: []) }
            if let built = authenticators[first.index] { return built }
            let providers = records.map { record in
                JWTAuthenticator.Provider(issuer: record.issuer, audiences: record.audiences, keys: jwtKeys[record.index] ?? [], remote: remoteKeys[record.index])
            }
            let built = JWTAuthenticator(policy: first.name, mode: AuthenticationMode(first.mode), reader: CredentialReader(first), providers: providers)
            authenticators[first.index] = built
            return built
        }

        mutating func bucket(_ record: RouteTable.PolicyRecord) -> RateLimitBucket {
            if let built = buckets[record.index] { return built }
            // The entry's place among its policy's rate limits tells two equal entries apart.
            let ordinal = rateLimitOrdinals[record.index] ?? 0
            let unit: RateLimitBucket.Unit = record.tokensPerUnit != nil ? .tokens : .requests
            let limit = Int(record.tokensPerUnit ?? record.requestsPerUnit ?? 1), burst = Int(record.burst ?? 0), seconds = Int(record.unitSeconds)
            let key = "\(record.name)#\(ordinal):\(unit):\(limit)+\(burst)/\(seconds)s"
            bucketKeys.insert(key)
            let now = now
            let summary = "\(limit) \(unit == .tokens ? "tokens" : "requests") per \(Self.unitText(seconds)) (policy \(record.name))"
            let bucket = limits.bucket(key: key) { RateLimitBucket(unit: unit, limit: limit, burst: burst, intervalSeconds: seconds, now: now, summary: summary, policy: record.name, key: key) }
            buckets[record.index] = bucket
            return bucket
        }

        static func unitText(_ seconds: Int) -> String { seconds == 3600 ? "hour" : seconds == 60 ? "minute" : seconds == 1 ? "second" : "\(seconds) s" }
    }
}
