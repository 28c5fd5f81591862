extension RouteTable {
    /// A policy record: one setting of one AgentgatewayPolicy (a rate limit entry, an
    /// authentication, a timeout, ...); the accessors of each kind read its fields.
    public struct PolicyRecord {
        public let table: RouteTable
        public let index: Int
        public var kind: PolicyKind? { PolicyKind(rawValue: word(Field.Policy.kind)) }
        /// The policy's `namespace/name`.
        public var name: String { table.string(word(Field.Policy.name)) }
        /// A timeout policy's limit.
        public var timeoutMilliseconds: UInt32? { kind == .timeout ? word(Field.Policy.Timeout.milliseconds) : nil }

        // Local rate limit.
        public var requestsPerUnit: UInt32? { table.optional(word(Field.Policy.RateLimit.requests)) }
        public var tokensPerUnit: UInt32? { table.optional(word(Field.Policy.RateLimit.tokens)) }
        public var unitSeconds: UInt32 { word(Field.Policy.RateLimit.unitSeconds) }
        public var burst: UInt32? { table.optional(word(Field.Policy.RateLimit.burst)) }

        // API key and basic authentication (the same positions in both).
        /// `Strict`, `Optional` or `Permissive`.
        public var mode: String { table.string(word(Field.Policy.APIKey.mode)) }
        public var secretRefs: Range<Int> { table.range(.policies, index, Field.Policy.APIKey.firstSecretRef, Field.Policy.APIKey.secretRefCount) }
        public var locationKind: CredentialLocationKind { CredentialLocationKind(rawValue: word(Field.Policy.APIKey.locationKind)) ?? .expression }
        public var locationName: String { table.string(word(Field.Policy.APIKey.locationName)) }
        public var locationPrefix: String { table.string(word(Field.Policy.APIKey.locationPrefix)) }
        public var realm: String { table.string(word(Field.Policy.BasicAuth.realm)) }
        /// Inline htpasswd lines of a basic authentication.
        public var users: [String] { strings(Field.Policy.BasicAuth.firstUser, Field.Policy.BasicAuth.userCount) }

        // JWT authentication (mode and location as above).
        public var issuer: String? { table.optionalString(word(Field.Policy.JWT.issuer)) }
        /// The provider's inline JSON Web Key Set; empty when its keys are remote.
        public var jwks: String { table.string(word(Field.Policy.JWT.jwks)) }
        public var audiences: [String] { strings(Field.Policy.JWT.firstAudience, Field.Policy.JWT.audienceCount) }
        /// Where the provider's key set is fetched from, when it is remote.
        public var remoteJWKS: String? { table.optionalString(word(Field.Policy.JWT.remoteURL)) }
        public var jwksCacheSeconds: Int { Int(word(Field.Policy.JWT.cacheSeconds)) }

        // CORS.
        public var corsOrigins: [String] { strings(Field.Policy.CORS.firstOrigin, Field.Policy.CORS.originCount) }
        public var corsMethods: [String] { strings(Field.Policy.CORS.firstMethod, Field.Policy.CORS.methodCount) }
        public var corsAllowHeaders: [String] { strings(Field.Policy.CORS.firstAllowHeader, Field.Policy.CORS.allowHeaderCount) }
        public var corsExposeHeaders: [String] { strings(Field.Policy.CORS.firstExposeHeader, Field.Policy.CORS.exposeHeaderCount) }
        public var corsMaxAge: UInt32 { word(Field.Policy.CORS.maxAge) }
        public var corsAllowCredentials: Bool { word(Field.Policy.CORS.allowCredentials) == 1 }

        // Header modifiers (0 request, 1 response) and a direct response.
        public var headerDirection: UInt32 { word(Field.Policy.HeaderModifier.direction) }
        public var headerOps: Range<Int> {
            kind == .directResponse ? table.range(.policies, index, Field.Policy.DirectResponse.firstOp, Field.Policy.DirectResponse.opCount)
                : table.range(.policies, index, Field.Policy.HeaderModifier.firstOp, Field.Policy.HeaderModifier.opCount)
        }
        public var directStatus: Int { Int(word(Field.Policy.DirectResponse.status)) }
        public var directBody: String? { table.optionalString(word(Field.Policy.DirectResponse.body)) }
        /// `hostRewrite: Auto`.
        public var rewritesHostAutomatically: Bool { word(Field.Policy.HostRewrite.mode) == 1 }

        // Retry.
        public var retryAttempts: UInt32 { word(Field.Policy.Retry.attempts) }
        public var retryBackoffMilliseconds: UInt32? { table.optional(word(Field.Policy.Retry.backoffMilliseconds)) }
        public var retryCodes: [String] { strings(Field.Policy.Retry.firstCode, Field.Policy.Retry.codeCount) }

        // Budget.
        public var budgetWindow: Budget.Window {
            switch word(Field.Policy.Budget.window) { case 1: .week; case 2: .month; default: .day }
        }
        /// The limit counts cost (in millionths of the prices' currency) rather than tokens.
        public var budgetCountsCost: Bool { word(Field.Policy.Budget.measure) == 1 }
        public var budgetLimit: Int64 { Int64(table.string(word(Field.Policy.Budget.limit))) ?? 0 }
        public var budgetTimeZone: String { table.string(word(Field.Policy.Budget.timeZone)) }
        /// Model, input and output price (millionths per million tokens) per entry.
        public var budgetPrices: [(model: String, input: Int64, output: Int64)] {
            let flat = strings(Field.Policy.Budget.firstPrice, Field.Policy.Budget.priceCount)
            return stride(from: 0, to: flat.count - flat.count % 3, by: 3).map { (flat[$0], Int64(flat[$0 + 1]) ?? 0, Int64(flat[$0 + 2]) ?? 0) }
        }

        // Prompt guard.
        /// 0 request, 1 response.
        public var guardDirection: UInt32 { word(Field.Policy.PromptGuard.direction) }
        /// `Mask` or `Reject`.
        public var guardAction: String { table.string(word(Field.Policy.PromptGuard.action)) }
        public var guardPatterns: [String] { strings(Field.Policy.PromptGuard.firstPattern, Field.Policy.PromptGuard.patternCount) }
        public var guardBuiltins: [String] { strings(Field.Policy.PromptGuard.firstBuiltin, Field.Policy.PromptGuard.builtinCount) }
        public var guardRejectStatus: UInt32 { word(Field.Policy.PromptGuard.rejectStatus) }
        public var guardRejectMessage: String? { table.optionalString(word(Field.Policy.PromptGuard.rejectMessage)) }

        func strings(_ first: Int, _ count: Int) -> [String] {
            table.range(.policies, index, first, count).map { table.string(table.word(.stringLists, $0, 0)) }
        }
        public func word(_ field: Int) -> UInt32 { table.word(.policies, index, field) }
    }

    /// A policy as attached to a rule: where (the level decides which wins) and on which listener.
    public struct AttachedPolicy {
        public let policy: PolicyRecord
        public let level: PolicyLevel
        /// The listener a Gateway policy with `sectionName` is limited to; nil: every listener.
        public let listener: Int?
    }
}
