import ArgumentParser
import Foundation
import GatewayCompiler

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check manifests and Hermes configs; exit 1 when errors are found.",
        discussion: """
            Inputs are files, directories (searched for *.yaml, *.yml, *.json) and - for standard input.
            Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage error or unreadable input.
            Every diagnostic code is described in docs/diagnostics.md.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, github }

    @Argument(help: "Files, directories or - (standard input).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output format: text, json, sarif or github.")
    var format: Format = .text

    @Flag(help: "Print each object with the status a controller would write (YAML; JSON with --format json).")
    var conditions = false

    @Flag(help: "Exit 1 on warnings too.")
    var strict = false

    @Option(help: "Namespace for objects that name none.")
    var namespace = "default"

    @Option(name: .customLong("gateway-class"), help: "A GatewayClass name to treat as agentgateway's (repeatable).")
    var gatewayClasses: [String] = []

    @Flag(help: "Leave out notes (what each Hermes endpoint reaches, skipped kinds).")
    var quiet = false

    func run() throws {
        var options = LintOptions()
        options.defaultNamespace = namespace
        options.gatewayClassNames.formUnion(gatewayClasses)
        options.environment = ProcessInfo.processInfo.environment
        var result = Linter(options: options).lint(paths: inputs)
        if quiet { result.diagnostics.removeAll { $0.severity == .note } }

        if conditions {
            let document = StatusDocument.build(result)
            print(format == .json ? JSONWriter.write(document) : YAMLWriter.write(document), terminator: format == .json ? "\n" : "")
            let rendered = TextRenderer(colorize: Terminal.stderrSupportsColor).render(result.diagnostics.filter { $0.severity == .error }, files: result.file(named:))
            FileHandle.standardError.write(Data(rendered.utf8))
        } else {
            switch format {
            case .text:
                let text = TextRenderer(colorize: Terminal.stdoutSupportsColor).render(result.diagnostics, files: result.file(named:))
                print(text, terminator: "")
                print(Terminal.summary(result))
            case .json: print(MachineRenderers.json(result), terminator: "")
            case .sarif: print(MachineRenderers.sarif(result), terminator: "")
            case .github: print(MachineRenderers.github(result), terminator: "")
            }
        }
        // Freeing a large syntax tree just before the process exits is wasted time: keep it.
        ExitKeeper.keep(result)
        if result.diagnostics.contains(where: { $0.code == .unreadableInput }) { throw ExitCode(2) }
        if result.hasErrors || (strict && result.count(.warning) > 0) { throw ExitCode(1) }
    }
}
