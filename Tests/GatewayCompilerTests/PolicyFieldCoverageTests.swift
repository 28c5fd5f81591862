import Foundation
@testable import GatewayCompiler
import GatewayIR
import Testing

/// What gwc accepts, gwrun does: every policy field of every sample and fixture is in one of two
/// states, never a third. Either gwrun enforces it, and then the built table holds a record of the
/// kind the runtime applies for it (so a field cannot be claimed enforced while the compiler drops
/// it), or `gwc lint` reports it with GW420 at the field itself. Both at once fails too.
@Suite("Policy fields: enforced or diagnosed")
struct PolicyFieldCoverageTests {
    /// Every YAML file of samples/ and the test fixtures.
    static var files: [String] {
        ["samples", "Tests/GatewayCompilerTests/Fixtures", "Tests/GatewayRuntimeTests/Fixtures"].flatMap { root -> [String] in
            let base = Repo.path(root)
            let paths = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
            return paths.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { "\(root)/\($0)" }
        }.sorted()
    }

    /// The table record an enforced field compiles to: the policy's kind, or (for an
    /// AgentgatewayBackend's own settings) what the backend's records carry.
    static func kind(forTrafficField field: String) -> PolicyKind? {
        let top = field.split(separator: ".").first.map(String.init) ?? field
        return [
            "apiKeyAuthentication": .apiKeyAuthentication, "basicAuthentication": .basicAuthentication, "jwtAuthentication": .jwtAuthentication,
            "rateLimit": .localRateLimit, "timeouts": .timeout, "cors": .cors, "retry": .retry, "headerModifiers": .headerModifier,
            "directResponse": .directResponse, "hostRewrite": .hostRewrite,
        ][top]
    }

    /// Whether a backend's records carry TLS settings of its own (not the providers' default).
    static func hasOwnTLS(_ table: RouteTable, backend: Int) -> Bool {
        let record = table.backend(backend)
        let settings = [record.tls].compactMap { $0 } + record.providers.compactMap { table.provider($0).tls }
        return settings.contains { !$0.isDefault }
    }

    struct Tally {
        var enforced = 0
        var diagnosed = 0
        var problems: [String] = []
    }

    @Test func everyPolicyFieldIsEnforcedOrDiagnosed() throws {
        var tally = Tally()
        for path in Self.files {
            let source = SourceFile(path: path, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repo.path(path)))))
            var options = LintOptions()
            options.gatewayClassNames.insert("{GATEWAY_CLASS_NAME}")
            let result = Linter(options: options).lint([source])
            let reported = Set(result.diagnostics.filter { $0.code == .notEnforced && $0.location.file == path }.map { "\($0.location.line):\($0.location.column)" })
            guard let table = try? RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result))) else { continue }
            let kinds = Dictionary(grouping: (0..<table.count(.policies)).map { table.policy($0) }, by: \.name).mapValues { Set($0.compactMap(\.kind)) }
            for document in YAMLLoader().load(source).documents {
                guard let root = document.root, let kind = root["kind"]?.scalarText else { continue }
                let namespace = root["metadata"]?["namespace"]?.scalarText ?? "default", name = root["metadata"]?["name"]?.scalarText ?? ""
                let spec = root["spec"]
                func visit(_ node: Node?, enforced: Set<String>, owner: String, expect: (String) -> Bool) {
                    walk(node, path: "", enforced: enforced, file: path, reported: reported, owner: owner, expect: expect, into: &tally)
                }
                switch kind {
                case "AgentgatewayPolicy":
                    let records = kinds["\(namespace)/\(name)"] ?? []
                    let owner = "AgentgatewayPolicy \(namespace)/\(name)"
                    visit(spec?["traffic"], enforced: ManifestDecoder.enforcedTraffic, owner: owner) { field in Self.kind(forTrafficField: field).map(records.contains) ?? false }
                    visit(spec?["backend"], enforced: ManifestDecoder.enforcedPolicyBackend, owner: owner) { field in
                        if field.hasPrefix("tls.") { return (0..<table.count(.backends)).contains { Self.hasOwnTLS(table, backend: $0) } }
                        return field.hasPrefix("ai.promptGuard") ? records.contains(.promptGuard) : records.contains(.timeout) || Self.backendTimeout(table, namespace: namespace)
                    }
                    visit(spec?["frontend"], enforced: ManifestDecoder.enforcedFrontend, owner: owner) { field in
                        let kinds: [String: PolicyKind] = ["tls": .frontendTLS, "networkAuthorization": .networkRule, "proxyProtocol": .proxyProtocol, "tracing": .tracing]
                        return kinds[String(field.prefix { $0 != "." })].map(records.contains) ?? false
                    }
                case "AgentgatewayBackend":
                    let owner = "AgentgatewayBackend \(namespace)/\(name)"
                    let own = kinds["\(namespace)/\(name) (AgentgatewayBackend policies)"] ?? []
                    let backend = (0..<table.count(.backends)).map { table.backend($0) }.first { $0.namespace == namespace && $0.name == name }
                    visit(spec?["policies"], enforced: ManifestDecoder.enforcedBackendPolicies, owner: owner) { field in
                        guard let backend else { return false }
                        switch field {
                        case _ where field.hasPrefix("ai.promptGuard"): return own.contains(.promptGuard)
                        case _ where field.hasPrefix("tls."): return Self.hasOwnTLS(table, backend: backend.index)
                        case "ai.routes": return !backend.routeTypes.isEmpty
                        case "http.requestTimeout": return backend.requestTimeoutMilliseconds != nil
                        case _ where field.hasPrefix("auth.aws."):
                            return backend.providers.contains { table.provider($0).credentialHeader == .awsSigV4 && table.provider($0).signingRegion != nil && table.provider($0).secretRef != nil }
                        default: return backend.providers.contains { table.provider($0).authMode != .none }  // auth.secretRef, auth.passthrough
                        }
                    }
                default:
                    continue
                }
            }
        }
        #expect(tally.problems.isEmpty, "\(tally.problems.joined(separator: "\n"))")
        // The corpus exercises both states.
        #expect(tally.enforced >= 40 && tally.diagnosed >= 3, "enforced \(tally.enforced), diagnosed \(tally.diagnosed)")
    }

    @Test func aURLRewriteOnAnAIRuleIsReportedNotIgnored() {
        let result = lint("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: default}
            spec:
              parentRefs: [{name: gw}]
              rules:
                - matches: [{path: {type: PathPrefix, value: /llm}}]
                  filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}}}]
                  backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: ai}]
            ---
            apiVersion: agentgateway.dev/v1alpha1
            kind: AgentgatewayBackend
            metadata: {name: ai, namespace: default}
            spec: {ai: {provider: {openai: {model: m}}}}
            """)
        let reported = result.diagnostics.first { $0.code == .notEnforced && $0.message.contains("URLRewrite on a rule to an AI backend") }
        #expect(reported?.location.line == 8)
    }

    /// A backend policy's `http.requestTimeout` on an AgentgatewayBackend is carried by the backend's record.
    static func backendTimeout(_ table: RouteTable, namespace: String) -> Bool {
        (0..<table.count(.backends)).contains { table.backend($0).namespace == namespace && table.backend($0).requestTimeoutMilliseconds != nil }
    }

    /// Each field under `node`: enforced (in `enforced`, or below an entry of it) and compiled
    /// (`expect`), or reported with GW420 at its key.
    func walk(_ node: Node?, path: String, enforced: Set<String>, file: String, reported: Set<String>, owner: String, expect: (String) -> Bool, into tally: inout Tally) {
        guard case .mapping(let entries, _)? = node else { return }
        for entry in entries {
            let field = path.isEmpty ? entry.key.text : "\(path).\(entry.key.text)"
            let at = "\(entry.key.mark.line):\(entry.key.mark.column)"
            let diagnosed = reported.contains(at)
            if enforced.contains(field) || enforced.contains(where: { field.hasPrefix($0 + ".") }) {
                if diagnosed, !ManifestDecoder.failClosedTraffic.contains(field), !ManifestDecoder.constantOnlyFrontend.contains(field) {
                    tally.problems.append("\(file):\(at): \(owner) `\(field)` is enforced and reported as not enforced")
                } else if !expect(field) {
                    tally.problems.append("\(file):\(at): \(owner) `\(field)` is claimed enforced, but the table holds no record gwrun applies for it")
                } else {
                    tally.enforced += 1
                }
                continue
            }
            // A block reported at its key as a whole (a `frontend.tracing` gwrun cannot follow) is one diagnosed field.
            if diagnosed, case .mapping = entry.value {
                tally.diagnosed += 1
                continue
            }
            if enforced.contains(where: { $0.hasPrefix(field + ".") }), case .mapping = entry.value {
                walk(entry.value, path: field, enforced: enforced, file: file, reported: reported, owner: owner, expect: expect, into: &tally)
                continue
            }
            if diagnosed { tally.diagnosed += 1 } else { tally.problems.append("\(file):\(at): \(owner) `\(field)` is neither enforced nor reported (GW420)") }
        }
    }
}
