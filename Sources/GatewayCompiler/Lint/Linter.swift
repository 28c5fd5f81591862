import GatewayIR

/// The lint pipeline: read inputs, parse, decode, analyse. Pure apart from reading files.
public struct Linter {
    public var options: LintOptions

    public init(options: LintOptions = LintOptions()) { self.options = options }

    /// Lints files already in memory.
    public func lint(_ files: [SourceFile], readFailures: [InputCollector.ReadFailure] = []) -> LintResult {
        var diagnostics: [Diagnostic] = readFailures.map {
            Diagnostic(.unreadableInput, "\($0.path): \($0.reason)", at: SourceLocation(file: $0.path, line: 0, column: 0))
        }
        let decoded = ParallelLoader.decode(files, defaultNamespace: options.defaultNamespace)
        diagnostics.append(contentsOf: decoded.diagnostics)
        return analyze(decoded, files: files, diagnostics: diagnostics)
    }

    /// The checks, on objects already decoded (tests use it to remove objects first, as the
    /// conformance suite's `afterDeleting` cases do).
    public func analyze(_ decoded: DecodeResult, files: [SourceFile], diagnostics initial: [Diagnostic] = []) -> LintResult {
        var diagnostics = initial
        let index = ResourceIndex(decoded.resources)
        diagnostics.append(contentsOf: index.duplicates)

        var gatewayAPI = GatewayAPIAnalyzer(index: index, options: options)
        gatewayAPI.run()
        diagnostics.append(contentsOf: gatewayAPI.diagnostics)
        var agentgateway = AgentgatewayAnalyzer(index: index, report: gatewayAPI.report)
        agentgateway.run()
        diagnostics.append(contentsOf: agentgateway.diagnostics)
        let report = agentgateway.report
        var secrets = SecretChecker(index: index)
        secrets.run()
        diagnostics.append(contentsOf: secrets.diagnostics)
        var enforcement = EnforcementChecker(index: index)
        enforcement.run()
        diagnostics.append(contentsOf: enforcement.diagnostics)
        var policyChecks = PolicyChecker(index: index)
        policyChecks.run()
        diagnostics.append(contentsOf: policyChecks.diagnostics)
        var deployments = DeploymentChecker(index: index)
        deployments.run()
        diagnostics.append(contentsOf: deployments.diagnostics)
        var clientAuth = ClientAuthChecker(index: index, report: report)
        clientAuth.run()
        diagnostics.append(contentsOf: clientAuth.diagnostics)
        var backendTLS = BackendTLSChecker(index: index)
        backendTLS.run()
        diagnostics.append(contentsOf: backendTLS.diagnostics)
        var budgets = BudgetChecker(index: index, report: report)
        budgets.run()
        diagnostics.append(contentsOf: budgets.diagnostics)
        var result = LintResult(
            files: files, resources: decoded.resources, index: index, status: report, hermesEndpoints: [], diagnostics: [],
            documentCount: decoded.documentCount, objectCount: decoded.objectCount)
        if !decoded.resources.hermesConfigs.isEmpty {
            // Hermes requests are resolved by the table's lookup, as gwrun and `gwc route` resolve them.
            var hermes = HermesChecker(index: index, report: report, environment: options.environment, resolver: TableRouteResolver(result: result))
            hermes.run()
            diagnostics.append(contentsOf: hermes.diagnostics)
            result.hermesEndpoints = hermes.endpoints
        }
        result.diagnostics = diagnostics.sorted()
        return result
    }

    /// Decodes files without checking them.
    public func decode(_ files: [SourceFile]) -> DecodeResult {
        ParallelLoader.decode(files, defaultNamespace: options.defaultNamespace)
    }

    /// Reads the operands (files, directories, `-`) and lints them.
    public func lint(paths: [String]) -> LintResult {
        let collected = InputCollector().collect(paths)
        return lint(collected.files, readFailures: collected.failures)
    }
}

public struct LintResult: Sendable {
    public var files: [SourceFile]
    public var resources: ResourceSet
    public var index: ResourceIndex
    public var status: StatusReport
    public var hermesEndpoints: [HermesEndpointResolution]
    public var diagnostics: [Diagnostic]
    public var documentCount: Int
    public var objectCount: Int

    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var skippedObjectCount: Int { resources.skippedKinds.values.reduce(0, +) }

    /// The file a diagnostic points into, for source snippets.
    public func file(named path: String) -> SourceFile? { files.first { $0.path == path } }
}
