import Foundation
import GatewayCompiler

enum Terminal {
    static var stdoutSupportsColor: Bool { supportsColor(STDOUT_FILENO) }
    static var stderrSupportsColor: Bool { supportsColor(STDERR_FILENO) }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    private static func supportsColor(_ descriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(descriptor) == 1
    }

    static func summary(_ result: LintResult) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var line = "\(plural(result.files.count, "file")), \(plural(result.objectCount, "object")) checked"
        if result.skippedObjectCount > 0 { line += " (\(result.skippedObjectCount) of other kinds skipped)" }
        line += ": \(plural(result.count(.error), "error")), \(plural(result.count(.warning), "warning"))"
        return line
    }
}
