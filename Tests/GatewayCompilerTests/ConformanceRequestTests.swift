import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// Every request case of the conformance corpus, through the built table and the same decision
/// `gwc route` and gwrun use: status, backend, weight distribution, redirects, header modifiers.
@Suite("Gateway API conformance: requests through the route table")
struct ConformanceRequestTests {
    static let root = ConformanceStatusTests.root

    @Test(arguments: ConformanceStatusTests.testsWithCases)
    func requestCasesHold(_ test: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(test)/cases.json"))
        let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = try (spec["manifests"] as? [String] ?? []).map { name in
            SourceFile(path: name, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(test)/\(name)"))))
        }
        var options = LintOptions()
        options.gatewayClassNames.insert(spec["gatewayClassName"] as? String ?? "")
        let linter = Linter(options: options)
        var failures: [String] = []
        for case let item as [String: Any] in spec["cases"] as? [Any] ?? [] {
            guard let request = item["request"] as? [String: Any], let expect = item["expect"] as? [String: Any] else { continue }
            var decoded = linter.decode(files)
            for case let deleted as [String: Any] in item["afterDeleting"] as? [Any] ?? [] where deleted["kind"] as? String == "ReferenceGrant" {
                decoded.resources.referenceGrants.removeAll { $0.meta.namespace == deleted["namespace"] as? String && $0.meta.name == deleted["name"] as? String }
            }
            let result = linter.analyze(decoded, files: files)
            let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
            if let problem = Self.check(request: request, expect: expect, table: table) { failures.append(problem) }
        }
        #expect(failures.isEmpty, "\(test):\n\(failures.joined(separator: "\n"))")
    }

    static func gatewayIndex(_ table: RouteTable, _ name: String?) -> Int? {
        guard let name else { return nil }
        return (0..<table.count(.gateways)).first {
            "\(table.string(table.word(.gateways, $0, Field.Gateway.namespace)))/\(table.string(table.word(.gateways, $0, Field.Gateway.name)))" == name
        }
    }

    static func check(request spec: [String: Any], expect: [String: Any], table: RouteTable) -> String? {
        let headers = (spec["headers"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let request = RouteRequest(
            port: spec["port"] as? Int ?? 80, host: spec["host"] as? String ?? "192.0.2.1", method: spec["method"] as? String ?? "GET",
            path: spec["path"] as? String ?? "/", headers: headers, query: RouteRequest.parseQuery(spec["query"] as? String ?? ""))
        let gateway = gatewayIndex(table, spec["gateway"] as? String)
        let label = "\(request.method) \(request.host)\(request.path)\(request.query.isEmpty ? "" : "?\(spec["query"] ?? "")") \(headers)"
        let wantStatus = expect["status"] as? Int ?? 200

        if let distribution = expect["distribution"] as? [String: Double] {
            let samples = expect["samples"] as? Int ?? 500, tolerance = expect["tolerance"] as? Double ?? 0.05
            var counts: [String: Int] = [:]
            var generator = SplitMix64(seed: 42)
            for _ in 0..<samples {
                let decision = table.decide(request, gateway: gateway, random: generator.next())
                guard case .forward(let ref) = decision.action else { return "\(label): a weighted request got \(decision.status)" }
                counts[backendName(table, ref), default: 0] += 1
            }
            for (backend, share) in distribution {
                let observed = Double(counts[backend] ?? 0) / Double(samples)
                if abs(observed - share) > tolerance { return "\(label): \(backend) got \(observed), expected \(share) ± \(tolerance)" }
            }
            return nil
        }

        let decision = table.decide(request, gateway: gateway, random: 0)
        guard decision.status == wantStatus else { return "\(label): status \(decision.status), expected \(wantStatus) (\(decision.action))" }
        switch decision.action {
        case .forward(let ref):
            if let backend = expect["backend"] as? String, backendName(table, ref) != backend {
                return "\(label): reached \(backendName(table, ref)), expected \(backend)"
            }
            guard let rule = decision.match?.rule else { return nil }
            if let backendRequest = expect["backendRequest"] as? [String: Any] {
                var sent = request.headers
                for filter in table.filters(ofRule: rule, kind: .requestHeaderModifier) { table.applyHeaderModifier(filter: filter, to: &sent) }
                if let problem = compareHeaders(sent, backendRequest["headers"] as? [String: String] ?? [:], absent: backendRequest["absentHeaders"] as? [String] ?? []) {
                    return "\(label): backend request \(problem)"
                }
            }
            if let responseHeaders = expect["responseHeaders"] as? [String: String] {
                var returned = (spec["echoSetResponseHeaders"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
                for filter in table.filters(ofRule: rule, kind: .responseHeaderModifier) { table.applyHeaderModifier(filter: filter, to: &returned) }
                if let problem = compareHeaders(returned, responseHeaders, absent: expect["absentResponseHeaders"] as? [String] ?? []) {
                    return "\(label): response \(problem)"
                }
            }
        case .redirect(_, let location):
            guard let redirect = expect["redirect"] as? [String: Any], let url = URLComponents(string: location) else { return nil }
            if let scheme = redirect["scheme"] as? String, url.scheme != scheme { return "\(label): Location \(location), expected scheme \(scheme)" }
            if let host = redirect["host"] as? String, url.host != host { return "\(label): Location \(location), expected host \(host)" }
            if let path = redirect["path"] as? String, url.path != path { return "\(label): Location \(location), expected path \(path)" }
            if let port = redirect["port"] as? Int {
                if url.port != port { return "\(label): Location \(location), expected port \(port)" }
            } else if let port = url.port, port != (url.scheme == "https" ? 443 : 80) {
                return "\(label): Location \(location) names port \(port), expected none"
            }
        default:
            break
        }
        return nil
    }

    static func backendName(_ table: RouteTable, _ ref: Int) -> String {
        "\(table.string(table.word(.backendRefs, ref, Field.BackendRef.namespace)))/\(table.string(table.word(.backendRefs, ref, Field.BackendRef.name)))"
    }

    static func compareHeaders(_ actual: [(name: String, value: String)], _ expected: [String: String], absent: [String]) -> String? {
        for (name, value) in expected {
            let found = actual.first { $0.name.lowercased() == name.lowercased() }?.value
            if found != value { return "header \(name) is \(found ?? "absent"), expected \(value)" }
        }
        for name in absent where actual.contains(where: { $0.name.lowercased() == name.lowercased() }) {
            return "header \(name) should be absent"
        }
        return nil
    }
}
