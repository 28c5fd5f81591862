import Foundation
import GatewayCompiler

/// Paths inside the repository, found from this file's location.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

func lint(_ text: String, path: String = "test.yaml", environment: [String: String] = [:]) -> LintResult {
    var options = LintOptions()
    options.environment = environment
    return Linter(options: options).lint([SourceFile(path: path, text: text)])
}

func lint(paths: [String], classNames: Set<String> = [], environment: [String: String] = [:]) -> LintResult {
    var options = LintOptions()
    options.gatewayClassNames.formUnion(classNames)
    options.environment = environment
    return Linter(options: options).lint(paths: paths)
}
