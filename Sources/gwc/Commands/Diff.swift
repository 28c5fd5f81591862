import ArgumentParser
import Foundation
import GatewayCompiler

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say what a rollout will change: objects, precedence, and the requests and Hermes clients whose outcome moves.",
        discussion: """
            Each side is a route table or manifests (a file or a directory, compiled in memory).
            Exit status, as kubectl diff: 0 no difference, 1 differences, 2 an error (unreadable input,
            or a side with lint errors, whose diagnostics are printed as gwc lint prints them).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Argument(help: "The current configuration: a table, file or directory.")
    var old: String

    @Argument(help: "The proposed configuration: a table, file or directory.")
    var new: String

    @Option(name: .shortAndLong, help: "text, json or markdown.")
    var format: Format = .text

    @Flag(help: "Compare sides even when lint reports errors (what a controller would program).")
    var allowErrors = false

    @OptionGroup var options: InputOptions

    func run() throws {
        var sides: [ConfigSnapshot] = []
        for operand in [old, new] {
            switch DiffSide.load(operand, options: options.lintOptions, allowErrors: allowErrors) {
            case .success(let snapshot):
                sides.append(snapshot)
            case .failure(.unreadable(let message)):
                StandardError.write("gwc diff: \(message)\n")
                throw ExitCode(2)
            case .failure(.doesNotCompile(let result)):
                ExitKeeper.keep(result)
                let errors = result.diagnostics.filter { $0.severity == .error }
                StandardError.write(TextRenderer(colorize: Terminal.stderrSupportsColor).render(errors, files: result.file(named:)))
                StandardError.write("gwc diff: \(operand) does not compile (\(errors.count) error\(errors.count == 1 ? "" : "s")); --allow-errors compares what a controller would program\n")
                throw ExitCode(2)
            }
        }
        let diff = ConfigDiff.compare(sides[0], sides[1])
        switch format {
        case .text: print(DiffRenderer.text(diff, colorize: Terminal.stdoutSupportsColor), terminator: "")
        case .json: print(JSONWriter.write(DiffRenderer.json(diff)))
        case .markdown: print(DiffRenderer.markdown(diff), terminator: "")
        }
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
