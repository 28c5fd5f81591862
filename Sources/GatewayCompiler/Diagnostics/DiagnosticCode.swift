/// A stable diagnostic code. Tests and users match on `rawValue`; every code is documented in
/// `docs/diagnostics.md` (a test keeps the two in step).
public struct DiagnosticCode: Sendable, Hashable {
    public let rawValue: String
    public let name: String
    public let defaultSeverity: Severity
    public let title: String

    init(_ rawValue: String, _ name: String, _ severity: Severity, _ title: String) {
        self.rawValue = rawValue
        self.name = name
        self.defaultSeverity = severity
        self.title = title
    }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

// The catalogue, grouped by hundreds: 1xx input, 2xx schema, 3xx Gateway API, 4xx agentgateway,
// 5xx secrets, 6xx Hermes. Keep each group in numeric order.
extension DiagnosticCode {
    // 1xx: reading and parsing input
    public static let unreadableInput = DiagnosticCode("GW100", "unreadable-input", .error, "Input cannot be read")
    public static let yamlSyntax = DiagnosticCode("GW101", "yaml-syntax", .error, "YAML syntax error")
    public static let jsonSyntax = DiagnosticCode("GW102", "json-syntax", .error, "JSON syntax error")
    public static let duplicateKey = DiagnosticCode("GW103", "duplicate-key", .error, "Duplicate mapping key")
    public static let tabIndentation = DiagnosticCode("GW104", "tab-indentation", .error, "Tab used for indentation")
    public static let invalidEncoding = DiagnosticCode("GW105", "invalid-encoding", .error, "Input is not valid UTF-8")
    public static let aliasExpansion = DiagnosticCode("GW106", "alias-expansion", .error, "Aliases expand beyond the limit")
    public static let nestingTooDeep = DiagnosticCode("GW107", "nesting-too-deep", .error, "Nesting deeper than the limit")
    public static let emptyDocument = DiagnosticCode("GW108", "empty-document", .warning, "Empty document")
    public static let unsupportedYAML = DiagnosticCode("GW109", "unsupported-yaml", .error, "Unsupported YAML construct")
    public static let unrecognizedDocument = DiagnosticCode("GW110", "unrecognized-document", .warning, "Document is neither a Kubernetes object nor a Hermes config")
    public static let skippedKind = DiagnosticCode("GW111", "skipped-kind", .note, "Kind not modelled by gwc; skipped")

    // 2xx: structure of known kinds
    public static let missingField = DiagnosticCode("GW200", "missing-field", .error, "Required field missing")
    public static let wrongType = DiagnosticCode("GW201", "wrong-type", .error, "Value has the wrong type")
    public static let unknownField = DiagnosticCode("GW202", "unknown-field", .warning, "Unknown field")
    public static let invalidValue = DiagnosticCode("GW203", "invalid-value", .error, "Invalid value")
    public static let unsupportedValue = DiagnosticCode("GW204", "unsupported-value", .error, "Unsupported enum value")
    public static let duplicateObject = DiagnosticCode("GW205", "duplicate-object", .error, "Object defined twice")
    public static let unsupportedAPIVersion = DiagnosticCode("GW206", "unsupported-api-version", .error, "Unsupported apiVersion for a known kind")
    public static let invalidPath = DiagnosticCode("GW207", "invalid-path", .error, "Invalid path match value")
    public static let invalidHostname = DiagnosticCode("GW208", "invalid-hostname", .error, "Invalid hostname")
    public static let duplicateName = DiagnosticCode("GW209", "duplicate-name", .error, "Name not unique within its list")

    // 3xx: Gateway API references and attachment
    public static let parentNotFound = DiagnosticCode("GW300", "parent-not-found", .error, "parentRef names a Gateway that does not exist")
    public static let noMatchingListener = DiagnosticCode("GW301", "no-matching-listener", .error, "parentRef sectionName/port matches no listener")
    public static let namespaceNotAllowed = DiagnosticCode("GW302", "namespace-not-allowed", .error, "No listener allows routes from this namespace")
    public static let kindNotAllowed = DiagnosticCode("GW303", "kind-not-allowed", .error, "No listener allows this route kind")
    public static let noHostnameIntersection = DiagnosticCode("GW304", "no-hostname-intersection", .error, "Route hostnames intersect no listener hostname")
    public static let backendNotFound = DiagnosticCode("GW305", "backend-not-found", .error, "backendRef names an object that does not exist")
    public static let invalidBackendKind = DiagnosticCode("GW306", "invalid-backend-kind", .error, "backendRef has an unsupported group/kind")
    public static let backendRefNotPermitted = DiagnosticCode("GW307", "backend-ref-not-permitted", .error, "Cross-namespace backendRef without a matching ReferenceGrant")
    public static let servicePortMissing = DiagnosticCode("GW308", "service-port-missing", .error, "Service backendRef without a port")
    public static let listenerConflict = DiagnosticCode("GW309", "listener-conflict", .error, "Listeners are not distinct")
    public static let invalidCertificateRef = DiagnosticCode("GW310", "invalid-certificate-ref", .error, "Listener certificateRef is invalid")
    public static let certificateRefNotPermitted = DiagnosticCode("GW311", "certificate-ref-not-permitted", .error, "Cross-namespace certificateRef without a matching ReferenceGrant")
    public static let invalidRouteKinds = DiagnosticCode("GW312", "invalid-route-kinds", .error, "allowedRoutes.kinds names an unsupported kind")
    public static let unsupportedProtocol = DiagnosticCode("GW313", "unsupported-protocol", .error, "Listener protocol not supported")
    public static let incompatibleFilters = DiagnosticCode("GW315", "incompatible-filters", .error, "Filters that cannot be combined")
    public static let servicePortNotFound = DiagnosticCode("GW316", "service-port-not-found", .warning, "Service has no such port")
    public static let ruleWithoutBackends = DiagnosticCode("GW317", "rule-without-backends", .warning, "Rule with no backendRefs and no filters answers 500")
    public static let zeroWeights = DiagnosticCode("GW319", "zero-weights", .warning, "Every backendRef of a rule has weight 0")
    public static let parentRefsNotDistinct = DiagnosticCode("GW320", "parent-refs-not-distinct", .error, "Several parentRefs to one parent without distinct sectionNames")
    public static let overlappingTLS = DiagnosticCode("GW321", "overlapping-tls", .warning, "Listeners on one port have overlapping TLS hostnames")
    public static let routeNotAttached = DiagnosticCode("GW322", "route-not-attached", .warning, "Route attaches to no Gateway")
    public static let rulePartiallyInvalid = DiagnosticCode("GW323", "rule-dropped", .note, "Invalid rule dropped from an otherwise accepted route")
    public static let certificateUnusable = DiagnosticCode("GW324", "certificate-unusable", .error, "TLS Secret's certificate or key does not parse, or the key does not match")
    public static let certificateNameMismatch = DiagnosticCode("GW325", "certificate-name-mismatch", .error, "Certificate does not cover the listener's hostname")
    public static let certificateNotValidNow = DiagnosticCode("GW326", "certificate-not-valid-now", .error, "Certificate expired or not valid yet")
    public static let certificateExpiring = DiagnosticCode("GW327", "certificate-expiring", .warning, "Certificate expires within 14 days")
    public static let certificateChainOrder = DiagnosticCode("GW328", "certificate-chain-order", .error, "Certificate chain out of order")
    public static let certificateValidity = DiagnosticCode("GW329", "certificate-validity", .note, "How long a listener's certificate stays valid")

    // 4xx: agentgateway
    public static let backendSecretNotFound = DiagnosticCode("GW400", "backend-secret-not-found", .error, "Backend auth Secret not found")
    public static let backendSecretKeyMissing = DiagnosticCode("GW401", "backend-secret-key-missing", .error, "Backend auth Secret lacks the key")
    public static let backendSecretEmpty = DiagnosticCode("GW402", "backend-secret-empty", .error, "Backend auth Secret value is empty")
    public static let exclusiveFields = DiagnosticCode("GW403", "exclusive-fields", .error, "None or several of mutually exclusive fields set")
    public static let foreignGatewayClass = DiagnosticCode("GW404", "foreign-gateway-class", .warning, "Gateway class is not handled by agentgateway")
    public static let policyTargetNotFound = DiagnosticCode("GW405", "policy-target-not-found", .error, "Policy target does not exist")
    public static let invalidPolicy = DiagnosticCode("GW406", "invalid-policy", .error, "Invalid policy setting")
    public static let providerOverrideInvalid = DiagnosticCode("GW407", "provider-override-invalid", .error, "Invalid provider endpoint override")
    public static let invalidRegex = DiagnosticCode("GW408", "invalid-regex", .error, "Regular expression does not compile")
    public static let providerPlainHTTP = DiagnosticCode("GW409", "provider-plain-http", .warning, "Provider host override beyond the LAN called over plain HTTP")
    public static let failoverMismatch = DiagnosticCode("GW410", "failover-mismatch", .warning, "Failover provider that cannot serve a route type of its backend")
    public static let providerSettingMissing = DiagnosticCode("GW411", "provider-setting-missing", .error, "Provider lacks a setting its API's endpoint needs")
    public static let notEnforced = DiagnosticCode("GW420", "not-enforced", .warning, "Setting that gwrun does not enforce yet")
    public static let policyConflict = DiagnosticCode("GW421", "policy-conflict", .warning, "Two policies set one field on one target")
    public static let clientSecretNotFound = DiagnosticCode("GW422", "client-secret-not-found", .error, "Client credential Secret missing, lacking its key, or selected wrongly")
    public static let sourceRuleUnsupported = DiagnosticCode("GW423", "source-rule-unsupported", .error, "networkAuthorization expression gwc cannot compile to address ranges")
    public static let invalidBudget = DiagnosticCode("GW424", "invalid-budget", .error, "Budget limit, price or time zone gwrun cannot use")
    public static let budgetWithoutIdentity = DiagnosticCode("GW425", "budget-without-identity", .warning, "Budget on traffic no client authentication names")
    public static let budgetNeverCharged = DiagnosticCode("GW426", "budget-never-charged", .warning, "Budget on traffic that reaches no AI provider")
    public static let backendTLSSourceMissing = DiagnosticCode("GW427", "backend-tls-source-missing", .error, "CA certificates for backend TLS not found")
    public static let backendTLSUnverified = DiagnosticCode("GW428", "backend-tls-unverified", .warning, "Backend TLS without certificate verification")
    public static let backendTLSCertificateInvalid = DiagnosticCode("GW429", "backend-tls-certificate-invalid", .error, "Backend TLS certificate that does not parse")

    // 5xx: secrets
    public static let inlineCredential = DiagnosticCode("GW500", "inline-credential", .warning, "Credential written inline")
    public static let placeholderSecret = DiagnosticCode("GW501", "placeholder-secret", .error, "Secret value is a placeholder")
    public static let invalidBase64 = DiagnosticCode("GW502", "invalid-base64", .error, "Secret data is not valid base64")
    public static let invalidSecretName = DiagnosticCode("GW503", "invalid-secret-name", .error, "Secret name or key that Kubernetes does not allow")

    // 6xx: Hermes clients against the gateway
    public static let hermesNoListener = DiagnosticCode("GW600", "hermes-no-listener", .error, "Hermes endpoint reaches no listener")
    public static let hermesNoRoute = DiagnosticCode("GW601", "hermes-no-route", .error, "Hermes request matches no route")
    public static let hermesFormatMismatch = DiagnosticCode("GW602", "hermes-format-mismatch", .error, "Backend does not accept the request format Hermes sends")
    public static let hermesProviderNotSelected = DiagnosticCode("GW603", "hermes-provider-not-selected", .error, "providers entry selected by no model.provider")
    public static let hermesModelOverridden = DiagnosticCode("GW604", "hermes-model-overridden", .warning, "Backend replaces the model Hermes asks for")
    public static let hermesModeDiffers = DiagnosticCode("GW605", "hermes-mode-differs", .error, "Auto-detected api_mode differs from what the route serves")
    public static let openAIRouteWithoutAuth = DiagnosticCode("GW606", "ai-route-without-client-auth", .warning, "AI route without client authentication on a listener open beyond the LAN")
    public static let hermesInvalidURL = DiagnosticCode("GW607", "hermes-invalid-url", .error, "Hermes base_url cannot be used")
    public static let hermesInvalidAPIMode = DiagnosticCode("GW608", "hermes-invalid-api-mode", .warning, "api_mode value Hermes ignores")
    public static let hermesReaches = DiagnosticCode("GW609", "hermes-reaches", .note, "Where a Hermes endpoint's requests go")
    public static let hermesUnknownProvider = DiagnosticCode("GW610", "hermes-unknown-provider", .error, "model.provider names no provider")
    public static let hermesExternalEndpoint = DiagnosticCode("GW611", "hermes-external-endpoint", .note, "Hermes endpoint is outside the gateway")
    public static let hermesUnresolvedVariable = DiagnosticCode("GW612", "hermes-unresolved-variable", .warning, "${VAR} not set; Hermes keeps it verbatim")
    public static let hermesProviderUnused = DiagnosticCode("GW613", "hermes-provider-unused", .note, "providers entry selected by no model.provider while another is")
    public static let hermesKeyRefused = DiagnosticCode("GW614", "hermes-key-refused", .error, "Hermes api_key is not a key the route's client authentication accepts")
    public static let hermesListenerExposed = DiagnosticCode("GW615", "hermes-listener-exposed", .error, "Hermes listener reachable beyond loopback without authentication")
    public static let hermesWeakServerKey = DiagnosticCode("GW616", "hermes-weak-server-key", .error, "Hermes API server key missing, short or a placeholder")
    public static let hermesIgnoredSetting = DiagnosticCode("GW617", "hermes-ignored-setting", .warning, "Hermes setting that Hermes ignores")
    public static let hermesPlainHTTP = DiagnosticCode("GW618", "hermes-plain-http", .warning, "Hermes calls a server beyond the LAN over plain HTTP")

    // 7xx: gwrun's own deployment (a Deployment running gwrun)
    public static let gwrunUnknownOption = DiagnosticCode("GW700", "gwrun-unknown-option", .error, "gwrun argument that gwrun refuses")
    public static let gwrunProbeMismatch = DiagnosticCode("GW701", "gwrun-probe-mismatch", .error, "Probe that does not ask gwrun's admin listener what it should")
    public static let gwrunProbeMissing = DiagnosticCode("GW702", "gwrun-probe-missing", .warning, "gwrun container without a readiness or liveness probe")
    public static let gwrunGracePeriod = DiagnosticCode("GW703", "gwrun-grace-period", .error, "Grace period shorter than gwrun's preStop wait and drain")
    public static let gwrunPathNotMounted = DiagnosticCode("GW704", "gwrun-path-not-mounted", .error, "File gwrun reads that no volume provides")
    public static let gwrunUnsharedLimits = DiagnosticCode("GW705", "gwrun-unshared-limits", .warning, "Several replicas with rate limits and no shared store")
    public static let gwrunSecretMountLayout = DiagnosticCode("GW706", "gwrun-secret-mount-layout", .error, "Secret mounted where gwrun does not look for it")

    /// Every code, in catalogue order.
    public static let all: [DiagnosticCode] = [
        unreadableInput, yamlSyntax, jsonSyntax, duplicateKey, tabIndentation, invalidEncoding, aliasExpansion,
        nestingTooDeep, emptyDocument, unsupportedYAML, unrecognizedDocument, skippedKind,
        missingField, wrongType, unknownField, invalidValue, unsupportedValue, duplicateObject, unsupportedAPIVersion,
        invalidPath, invalidHostname, duplicateName,
        parentNotFound, noMatchingListener, namespaceNotAllowed, kindNotAllowed, noHostnameIntersection, backendNotFound,
        invalidBackendKind, backendRefNotPermitted, servicePortMissing, listenerConflict, invalidCertificateRef,
        certificateRefNotPermitted, invalidRouteKinds, unsupportedProtocol, incompatibleFilters, servicePortNotFound,
        ruleWithoutBackends, zeroWeights, parentRefsNotDistinct, overlappingTLS, routeNotAttached,
        rulePartiallyInvalid, certificateUnusable, certificateNameMismatch, certificateNotValidNow, certificateExpiring, certificateChainOrder, certificateValidity,
        backendSecretNotFound, backendSecretKeyMissing, backendSecretEmpty, exclusiveFields, foreignGatewayClass,
        policyTargetNotFound, invalidPolicy, providerOverrideInvalid, invalidRegex, providerPlainHTTP, failoverMismatch, providerSettingMissing, notEnforced, policyConflict, clientSecretNotFound, sourceRuleUnsupported, invalidBudget, budgetWithoutIdentity, budgetNeverCharged,
        backendTLSSourceMissing, backendTLSUnverified, backendTLSCertificateInvalid,
        inlineCredential, placeholderSecret, invalidBase64, invalidSecretName,
        hermesNoListener, hermesNoRoute, hermesFormatMismatch, hermesProviderNotSelected, hermesModelOverridden,
        hermesModeDiffers, openAIRouteWithoutAuth, hermesInvalidURL, hermesInvalidAPIMode, hermesReaches,
        hermesUnknownProvider, hermesExternalEndpoint, hermesUnresolvedVariable, hermesProviderUnused, hermesKeyRefused,
        hermesListenerExposed, hermesWeakServerKey, hermesIgnoredSetting, hermesPlainHTTP,
        gwrunUnknownOption, gwrunProbeMismatch, gwrunProbeMissing, gwrunGracePeriod, gwrunPathNotMounted, gwrunUnsharedLimits, gwrunSecretMountLayout,
    ]
}
