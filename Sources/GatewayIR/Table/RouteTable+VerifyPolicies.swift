/// The verifier's checks of filter and policy records, whose fields depend on their kind: every
/// string, list and index inside its section, every kind one gwrun knows how to apply.
extension RouteTable {
    func verifyFilterAndPolicyReferences() throws {
        let none = TableFormat.none
        for record in 0..<count(.filters) {
            let at = sectionInfo(.filters).offset + record * TableSection.filters.recordWords * 4
            func field(_ index: Int) -> UInt32 { word(.filters, record, index) }
            func string(_ index: Int, optional: Bool = true) throws {
                let value = field(index)
                if optional && value == none { return }
                guard Int(value) < stringCount else { throw TableError(offset: at + index * 4, "filter \(record) string id \(value) is out of range") }
            }
            switch FilterKind(rawValue: field(Field.Filter.type)) {
            case .requestHeaderModifier?, .responseHeaderModifier?:
                let (end, overflow) = field(Field.Filter.HeaderModifier.firstOp).addingReportingOverflow(field(Field.Filter.HeaderModifier.opCount))
                guard !overflow, Int(end) <= count(.headerOps) else { throw TableError(offset: at + 4, "filter \(record) header operations run past their section") }
            case .requestRedirect?:
                try string(Field.Filter.Redirect.scheme); try string(Field.Filter.Redirect.hostname); try string(Field.Filter.Redirect.path)
                guard field(Field.Filter.Redirect.pathModifier) <= 2 else { throw TableError(offset: at + Field.Filter.Redirect.pathModifier * 4, "filter \(record) has an unknown path modifier") }
            case .urlRewrite?:
                try string(Field.Filter.URLRewrite.hostname); try string(Field.Filter.URLRewrite.path)
                guard field(Field.Filter.URLRewrite.pathModifier) <= 2 else { throw TableError(offset: at + Field.Filter.URLRewrite.pathModifier * 4, "filter \(record) has an unknown path modifier") }
            case .requestMirror?:
                let backend = field(Field.Filter.Mirror.backend)
                guard backend == none || Int(backend) < count(.backends) else { throw TableError(offset: at + 4, "filter \(record) mirror backend is out of range") }
                guard field(Field.Filter.Mirror.denominator) > 0, field(Field.Filter.Mirror.numerator) <= field(Field.Filter.Mirror.denominator) else {
                    throw TableError(offset: at + Field.Filter.Mirror.numerator * 4, "filter \(record) mirror share is not a fraction of at most 1")
                }
            case .cors?, .extensionRef?:
                try string(Field.Filter.Named.name)
            case nil:
                throw TableError(offset: at, "filter \(record) has an unknown type")
            }
        }
        for record in 0..<count(.policies) {
            let at = sectionInfo(.policies).offset + record * TableSection.policies.recordWords * 4
            func field(_ index: Int) -> UInt32 { word(.policies, record, index) }
            func list(_ first: Int, _ count: Int) throws {
                let (end, overflow) = field(first).addingReportingOverflow(field(count))
                guard !overflow, Int(end) <= self.count(.stringLists) else { throw TableError(offset: at + first * 4, "policy \(record) list runs past its section") }
            }
            let kind = PolicyKind(rawValue: field(Field.Policy.kind))
            switch kind {
            case .apiKeyAuthentication?, .basicAuthentication?:
                let (end, overflow) = field(Field.Policy.APIKey.firstSecretRef).addingReportingOverflow(field(Field.Policy.APIKey.secretRefCount))
                guard !overflow, Int(end) <= count(.secretRefs) else {
                    throw TableError(offset: at + Field.Policy.APIKey.firstSecretRef * 4, "policy \(record) secret references run past their section")
                }
                guard CredentialLocationKind(rawValue: field(Field.Policy.APIKey.locationKind)) != nil else {
                    throw TableError(offset: at + Field.Policy.APIKey.locationKind * 4, "policy \(record) has an unknown credential location")
                }
                for index in [Field.Policy.APIKey.mode, Field.Policy.APIKey.locationName, Field.Policy.APIKey.locationPrefix] where Int(field(index)) >= stringCount {
                    throw TableError(offset: at + index * 4, "policy \(record) string id \(field(index)) is out of range")
                }
                if PolicyKind(rawValue: field(Field.Policy.kind)) == .basicAuthentication {
                    guard Int(field(Field.Policy.BasicAuth.realm)) < stringCount else { throw TableError(offset: at + Field.Policy.BasicAuth.realm * 4, "policy \(record) realm is out of range") }
                    try list(Field.Policy.BasicAuth.firstUser, Field.Policy.BasicAuth.userCount)
                }
            case .retry?: try list(Field.Policy.Retry.firstCode, Field.Policy.Retry.codeCount)
            case .cors?:
                try list(Field.Policy.CORS.firstOrigin, Field.Policy.CORS.originCount); try list(Field.Policy.CORS.firstMethod, Field.Policy.CORS.methodCount)
                try list(Field.Policy.CORS.firstAllowHeader, Field.Policy.CORS.allowHeaderCount); try list(Field.Policy.CORS.firstExposeHeader, Field.Policy.CORS.exposeHeaderCount)
            case .promptGuard?:
                try list(Field.Policy.PromptGuard.firstPattern, Field.Policy.PromptGuard.patternCount)
                try list(Field.Policy.PromptGuard.firstBuiltin, Field.Policy.PromptGuard.builtinCount)
                guard Int(field(Field.Policy.PromptGuard.action)) < stringCount, field(Field.Policy.PromptGuard.direction) <= 1 else {
                    throw TableError(offset: at + Field.Policy.PromptGuard.direction * 4, "policy \(record) prompt guard has an unknown direction or action")
                }
                let message = field(Field.Policy.PromptGuard.rejectMessage)
                guard message == TableFormat.none || Int(message) < stringCount else { throw TableError(offset: at + Field.Policy.PromptGuard.rejectMessage * 4, "policy \(record) reject message is out of range") }
            case .jwtAuthentication?:
                guard CredentialLocationKind(rawValue: field(Field.Policy.JWT.locationKind)) != nil else {
                    throw TableError(offset: at + Field.Policy.JWT.locationKind * 4, "policy \(record) has an unknown credential location")
                }
                for index in [Field.Policy.JWT.mode, Field.Policy.JWT.jwks, Field.Policy.JWT.locationName, Field.Policy.JWT.locationPrefix] where Int(field(index)) >= stringCount {
                    throw TableError(offset: at + index * 4, "policy \(record) string id \(field(index)) is out of range")
                }
                for index in [Field.Policy.JWT.issuer, Field.Policy.JWT.remoteURL] where field(index) != TableFormat.none && Int(field(index)) >= stringCount {
                    throw TableError(offset: at + index * 4, "policy \(record) string id \(field(index)) is out of range")
                }
                guard field(Field.Policy.JWT.issuer) == TableFormat.none || Int(field(Field.Policy.JWT.issuer)) < stringCount else {
                    throw TableError(offset: at + Field.Policy.JWT.issuer * 4, "policy \(record) issuer is out of range")
                }
                try list(Field.Policy.JWT.firstAudience, Field.Policy.JWT.audienceCount)
            case .headerModifier?, .directResponse?:
                let first = kind == .headerModifier ? Field.Policy.HeaderModifier.firstOp : Field.Policy.DirectResponse.firstOp
                let (end, overflow) = field(first).addingReportingOverflow(field(first + 1))
                guard !overflow, Int(end) <= count(.headerOps) else { throw TableError(offset: at + first * 4, "policy \(record) header operations run past their section") }
                if kind == .directResponse {
                    let body = field(Field.Policy.DirectResponse.body)
                    guard body == TableFormat.none || Int(body) < stringCount else { throw TableError(offset: at + Field.Policy.DirectResponse.body * 4, "policy \(record) body is out of range") }
                }
            case .budget?:
                try list(Field.Policy.Budget.firstPrice, Field.Policy.Budget.priceCount)
                guard field(Field.Policy.Budget.window) <= 2, field(Field.Policy.Budget.measure) <= 1, field(Field.Policy.Budget.priceCount) % 3 == 0 else {
                    throw TableError(offset: at + Field.Policy.Budget.window * 4, "policy \(record) budget has an unknown window or measure, or a partial price")
                }
                for index in [Field.Policy.Budget.limit, Field.Policy.Budget.timeZone] where Int(field(index)) >= stringCount {
                    throw TableError(offset: at + index * 4, "policy \(record) string id \(field(index)) is out of range")
                }
                guard let limit = Int64(string(field(Field.Policy.Budget.limit))), limit > 0 else {
                    throw TableError(offset: at + Field.Policy.Budget.limit * 4, "policy \(record) budget limit is not a positive number")
                }
            case .hostRewrite?:
                guard field(Field.Policy.HostRewrite.mode) <= 1 else { throw TableError(offset: at + Field.Policy.HostRewrite.mode * 4, "policy \(record) has an unknown host rewrite mode") }
            case .localRateLimit?, .timeout?, .frontendTLS?, .networkRule?, .proxyProtocol?, .tracing?: break  // frontend kinds: verifyFrontend
            case nil: throw TableError(offset: at, "policy \(record) has an unknown kind \(field(Field.Policy.kind)): gwrun would not know how to enforce it")
            }
        }
    }
}
