import Foundation
import GatewayIR
import Testing

@testable import GatewayCompiler

/// deploy/kubernetes as `gwc lint` sees it: the gwrun Deployment is checked (its options exist
/// in gwrun, its probes ask the admin port, its grace period outlasts the drain, its files are
/// mounted) and passes; the option list the checker knows is the one gwrun has.
@Suite("gwrun's Kubernetes deployment")
struct DeploymentLintTests {
    @Test func theShippedManifestsPassEveryCheck() throws {
        let result = lint(paths: [Repo.path("deploy/kubernetes")])
        let deployments = result.resources.gwrunDeployments
        try #require(deployments.count == 1, "the gwrun Deployment was not recognised")
        let gwrun = try #require(deployments.first)
        #expect(gwrun.replicas == 3)
        #expect(gwrun.gracePeriodSeconds > DeploymentChecker.drainSeconds + gwrun.preStopSeconds)
        #expect(gwrun.preStopSeconds == 5)
        #expect(Set(gwrun.probes.map(\.kind)) == ["readinessProbe", "livenessProbe"])
        let findings = result.diagnostics.filter { $0.severity != .note }
        #expect(findings.isEmpty, "\(findings.map { "\($0.code.rawValue) \($0.message)" })")
        // The Redis Deployment runs no gwrun: skipped like any kind gwc does not model.
        #expect(result.diagnostics.contains { $0.code == .skippedKind && $0.object == "Deployment agentgateway-system/gwrun-redis" })
    }

    @Test func theCheckerKnowsExactlyGwrunsOptions() throws {
        var url = Bundle.main.bundleURL
        var binary = Repo.path(".build/debug/gwrun")
        for _ in 0..<3 {
            let candidate = url.appendingPathComponent("gwrun").path
            if FileManager.default.isExecutableFile(atPath: candidate) { binary = candidate; break }
            url.deleteLastPathComponent()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--help"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let help = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let listed = Set(help.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("--"), line.hasPrefix("  ") else { return nil }
            return String(trimmed.dropFirst(2).prefix { $0.isLetter || $0 == "-" })
        }).subtracting(["help"])
        #expect(!listed.isEmpty, "no options read from gwrun serve --help")
        #expect(listed == DeploymentChecker.options, "gwrun has \(listed.subtracting(DeploymentChecker.options).sorted()); the checker has \(DeploymentChecker.options.subtracting(listed).sorted())")
    }
}
