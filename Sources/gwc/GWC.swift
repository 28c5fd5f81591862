import ArgumentParser
import Foundation

@main
struct GWC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwc",
        abstract: "Check Gateway API, agentgateway and Hermes configuration before rollout.",
        version: "0.1.0",
        subcommands: [Lint.self, Build.self, Inspect.self, Route.self, Diff.self])

    /// Like ArgumentParser's `main`, except that usage errors exit with 2, as gwc documents
    /// (ArgumentParser uses 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code.rawValue == 64 {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Self.exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
