import ArgumentParser
import Foundation
import GatewayCompiler
import GatewayIR

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile manifests and Hermes configs into a route table; refuse when lint finds errors.",
        discussion: "The table format is described in docs/table-format.md. The file is written atomically.")

    @Argument(help: "Files, directories or - (standard input).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Where to write the table.")
    var output: String

    @Flag(help: "Build even when lint reports errors: what a controller would program (unattached routes left out, invalid backends answer 500).")
    var allowErrors = false

    @Flag(help: "Leave file names and line numbers out, so that moving documents between files does not change the table.")
    var noSourceMap = false

    @Flag(help: "Refuse warnings too: a setting gwrun does not enforce (GW420), conflicting policies (GW421), an AI route anyone can spend (GW606), ...")
    var strict = false

    @OptionGroup var options: InputOptions

    func run() throws {
        let result = Linter(options: options.lintOptions).lint(paths: inputs)
        ExitKeeper.keep(result)
        let errors = result.diagnostics.filter { $0.severity == .error || (strict && $0.severity == .warning) }
        if result.diagnostics.contains(where: { $0.code == .unreadableInput }) {
            StandardError.write(TextRenderer(colorize: Terminal.stderrSupportsColor).render(errors, files: result.file(named:)))
            throw ExitCode(2)
        }
        if !errors.isEmpty {
            StandardError.write(TextRenderer(colorize: Terminal.stderrSupportsColor).render(errors, files: result.file(named:)))
            guard allowErrors else {
                let what = strict ? "error\(errors.count == 1 ? "" : "s") or warning\(errors.count == 1 ? "" : "s") (--strict)" : "error\(errors.count == 1 ? "" : "s")"
                StandardError.write("gwc build: \(errors.count) \(what); no table written (--allow-errors builds what a controller would program)\n")
                throw ExitCode(1)
            }
        }
        let bytes = TableWriter.bytes(of: TableCompiler.compile(result, includeSourceMap: !noSourceMap))
        // Verified before it is written: gwrun must never be handed a table its verifier refuses.
        let table: RouteTable
        do {
            table = try RouteTable(bytes: bytes)
        } catch {
            StandardError.write("gwc build: the compiled table fails verification (\(error)); no table written\n")
            throw ExitCode(1)
        }
        do {
            try TableFile.write(bytes, to: output)
        } catch {
            StandardError.write("gwc build: \(error)\n")
            throw ExitCode(2)
        }
        print("wrote \(output): \(bytes.count) bytes, \(table.count(.gateways)) gateways, \(table.count(.routes)) routes, \(table.count(.rules)) rules, \(table.count(.backends)) backends, crc32c \(String(format: "%08x", table.checksum))")
    }
}
