import Foundation
import GatewayCompiler
import GatewayIR
import Testing

/// The status cases of the Gateway API conformance corpus (Fixtures/conformance, Apache-2.0):
/// the conditions gwc computes must contain what each Go helper asserts.
@Suite("Gateway API conformance: status conditions")
struct ConformanceStatusTests {
    static let root = Repo.path("Tests/GatewayCompilerTests/Fixtures/conformance")

    static var testsWithCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/cases.json") }.sorted()
    }

    @Test(arguments: testsWithCases)
    func statusCasesHold(_ test: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(test)/cases.json"))
        let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let manifests = (spec["manifests"] as? [String] ?? []).map { "\(Self.root)/\(test)/\($0)" }
        let result = lint(paths: manifests, classNames: [spec["gatewayClassName"] as? String ?? ""])
        var failures: [String] = []
        for case let item as [String: Any] in spec["cases"] as? [Any] ?? [] where item["request"] == nil {
            if let problem = Self.check(item, result) { failures.append(problem) }
        }
        #expect(failures.isEmpty, "\(test):\n\(failures.joined(separator: "\n"))")
    }

    static func split(_ namespacedName: String) -> (String, String) {
        let parts = namespacedName.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    static func conditionsHold(_ expected: [[String: Any]], in actual: [Condition]) -> String? {
        for want in expected {
            let type = want["type"] as? String, status = want["status"] as? String, reason = want["reason"] as? String
            let found = actual.contains { $0.type == type && $0.status == status && (reason == nil || $0.reason == reason) }
            if !found { return "want \(type ?? "")=\(status ?? "")/\(reason ?? "*"), have \(actual.map(\.summary))" }
        }
        return nil
    }

    static func check(_ item: [String: Any], _ result: LintResult) -> String? {
        if let routeName = item["route"] as? String {
            let (namespace, name) = split(routeName)
            let route = result.status.routes.first { $0.key.namespace == namespace && $0.key.name == name }
            if item["noAcceptedParents"] as? Bool == true {
                let parents = route?.parents ?? []
                let ok = parents.isEmpty || (parents.count == 1 && parents[0].conditions.contains { $0.type == "Accepted" && !$0.isTrue })
                return ok ? nil : "\(routeName): expected no accepted parents, have \(parents.map { $0.conditions.map(\.summary) })"
            }
            guard let parent = item["parent"] as? [String: Any] else { return "\(routeName): case without parent" }
            guard let entry = route?.parents.first(where: { $0.parentNamespace == parent["namespace"] as? String && $0.parentRef.name == parent["name"] as? String }) else {
                return "\(routeName): no status for parent \(parent["namespace"] ?? "")/\(parent["name"] ?? "")"
            }
            return conditionsHold(item["conditions"] as? [[String: Any]] ?? [], in: entry.conditions).map { "\(routeName): \($0)" }
        }
        guard let gatewayName = item["gateway"] as? String else { return "unknown case \(item)" }
        let (namespace, name) = split(gatewayName)
        guard let gateway = result.status.gateways.first(where: { $0.key.namespace == namespace && $0.key.name == name }) else {
            return "\(gatewayName): no status"
        }
        if item["zeroAttachedRoutes"] as? Bool == true {
            let ok = gateway.listeners.isEmpty || (gateway.listeners.count == 1 && gateway.listeners[0].attachedRoutes == 0)
            return ok ? nil : "\(gatewayName): expected zero attached routes, have \(gateway.listeners.map(\.attachedRoutes))"
        }
        if item["everyListener"] != nil {
            for listener in gateway.listeners {
                for type in ["ResolvedRefs", "Accepted", "Programmed"] where !listener.conditions.contains(where: { $0.type == type && $0.isTrue }) {
                    return "\(gatewayName) listener \(listener.name): \(type) is not True (\(listener.conditions.map(\.summary)))"
                }
            }
            return nil
        }
        if let listeners = item["listeners"] as? [[String: Any]] {
            if item["listenerCountExact"] as? Bool == true, listeners.count != gateway.listeners.count {
                return "\(gatewayName): \(gateway.listeners.count) listeners, expected \(listeners.count)"
            }
            for want in listeners {
                guard let have = gateway.listeners.first(where: { $0.name == want["name"] as? String }) else { return "\(gatewayName): no listener \(want["name"] ?? "")" }
                if let attached = want["attachedRoutes"] as? Int, attached != have.attachedRoutes {
                    return "\(gatewayName) listener \(have.name): attachedRoutes \(have.attachedRoutes), expected \(attached)"
                }
                if let kinds = want["supportedKinds"] as? [[String: Any]] {
                    let haveKinds = have.supportedKinds.map(\.kind)
                    if kinds.isEmpty && !haveKinds.isEmpty { return "\(gatewayName) listener \(have.name): supportedKinds \(haveKinds), expected none" }
                    for kind in kinds where !haveKinds.contains(kind["kind"] as? String ?? "") {
                        return "\(gatewayName) listener \(have.name): supportedKinds \(haveKinds) lacks \(kind["kind"] ?? "")"
                    }
                }
                if let problem = conditionsHold(want["conditions"] as? [[String: Any]] ?? [], in: have.conditions) {
                    return "\(gatewayName) listener \(have.name): \(problem)"
                }
            }
            return nil
        }
        return "unknown gateway case \(item)"
    }
}
