import Foundation
import GatewayIR

/// Loads one side of `gwc diff`: a route table, or manifests compiled in memory.
public enum DiffSide {
    public enum Failure: Error {
        /// The side cannot be read (the message says why).
        case unreadable(String)
        /// The manifests do not compile; their lint result carries the diagnostics.
        case doesNotCompile(LintResult)
    }

    public static func load(_ operand: String, options: LintOptions, allowErrors: Bool) -> Result<ConfigSnapshot, Failure> {
        if TableFile.looksLikeTable(operand) {
            do {
                return .success(ConfigSnapshot(table: try RouteTable.open(path: operand)))
            } catch {
                return .failure(.unreadable("\(operand): \(error)"))
            }
        }
        let result = Linter(options: options).lint(paths: [operand])
        if let unreadable = result.diagnostics.first(where: { $0.code == .unreadableInput }) { return .failure(.unreadable(unreadable.message)) }
        if result.hasErrors && !allowErrors { return .failure(.doesNotCompile(result)) }
        do {
            let table = try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
            var secrets: [String: [String: SecretValue]] = [:]
            for secret in result.resources.secrets { secrets["\(secret.meta.namespace)/\(secret.meta.name)"] = secret.values }
            return .success(ConfigSnapshot(table: table, secrets: secrets))
        } catch {
            return .failure(.unreadable("\(operand): \(error)"))
        }
    }
}
