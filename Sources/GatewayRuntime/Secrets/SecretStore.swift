import Foundation
import GatewayIR

/// Resolves the table's secret references, once at load: from a directory laid out as Kubernetes
/// mounts a Secret (`DIR/<namespace>/<name>/<key>`), or from an environment variable
/// `GWRUN_SECRET_<NAMESPACE>_<NAME>_<KEY>` (upper case, other characters as `_`). No other code
/// sees a value, and no value is ever logged.
public struct SecretStore: Sendable {
    public struct Reference: Hashable, Sendable, CustomStringConvertible {
        public var namespace: String
        public var name: String
        public var key: String
        public init(namespace: String, name: String, key: String) {
            self.namespace = namespace
            self.name = name
            self.key = key
        }
        public var description: String { "Secret \(namespace)/\(name) key \(key)" }

        public var environmentName: String {
            "GWRUN_SECRET_" + [namespace, name, key].map { part in
                String(part.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            }.joined(separator: "_")
        }
    }

    public struct MissingSecret: Error, CustomStringConvertible, Sendable {
        public var references: [Reference]
        public var description: String {
            "missing secret\(references.count == 1 ? "" : "s"): " + references.map { "\($0) (file <secrets-dir>/\($0.namespace)/\($0.name)/\($0.key) or $\($0.environmentName))" }.joined(separator: "; ")
        }
    }

    private var values: [Reference: SecretValue] = [:]
    /// The files values were read from (a mounted Secret's key, or a whole Secret's folder), so
    /// that a secrets manager rotating them in place is noticed (`TableWatcher`).
    public private(set) var files: [String] = []
    /// Whole Secrets (a reference with an empty key: an API-key set), each entry by its key.
    private var wholeSecrets: [Reference: [(key: String, value: SecretValue)]] = [:]

    public init() {}

    /// Resolves every reference a table makes; throws one error naming all that are missing.
    public static func load(for table: RouteTable, directory: String?, environment: [String: String]) throws -> SecretStore {
        var store = SecretStore()
        var missing: [Reference] = []
        for index in 0..<table.count(.secretRefs) {
            let record = table.secretRef(index)
            let reference = Reference(namespace: record.namespace, name: record.name, key: record.key)
            if reference.key.isEmpty {
                // A client API-key set: every entry of the Secret is a key.
                if let entries = readWhole(reference, directory: directory) {
                    store.wholeSecrets[reference] = entries
                    if let directory { store.files.append([directory, reference.namespace, reference.name].joined(separator: "/")) }
                } else { missing.append(reference) }
                continue
            }
            if let (value, file) = read(reference, directory: directory, environment: environment) {
                store.values[reference] = value
                if let file { store.files.append(file) }
            } else {
                missing.append(reference)
            }
        }
        if !missing.isEmpty { throw MissingSecret(references: missing) }
        return store
    }

    /// The value, and the file it came from (nil for the environment).
    private static func read(_ reference: Reference, directory: String?, environment: [String: String]) -> (SecretValue, String?)? {
        // The table verifier refuses such names already; checked again because this joins a path.
        guard KubernetesNames.secretReferenceProblem(namespace: reference.namespace, name: reference.name, key: reference.key) == nil else { return nil }
        if let directory, let data = containedFile(directory: directory, components: [reference.namespace, reference.name, reference.key]) {
            return (SecretValue(bytes: data), [directory, reference.namespace, reference.name, reference.key].joined(separator: "/"))
        }
        return environment[reference.environmentName].map { (SecretValue($0), nil) }
    }

    /// Every entry of a mounted Secret (`DIR/<namespace>/<name>/*`, without Kubernetes' `..data`
    /// bookkeeping), each read as one key is; nil when the Secret is not mounted. Only a directory
    /// holds whole Secrets (environment variables name one key each).
    private static func readWhole(_ reference: Reference, directory: String?) -> [(key: String, value: SecretValue)]? {
        guard let directory, KubernetesNames.secretReferenceProblem(namespace: reference.namespace, name: reference.name, key: nil) == nil,
            let names = try? FileManager.default.contentsOfDirectory(atPath: [directory, reference.namespace, reference.name].joined(separator: "/"))
        else { return nil }
        return names.filter { !$0.hasPrefix("..") && KubernetesNames.secretReferenceProblem(namespace: reference.namespace, name: reference.name, key: $0) == nil }
            .sorted()
            .compactMap { key in containedFile(directory: directory, components: [reference.namespace, reference.name, key]).map { (key, SecretValue(bytes: $0)) } }
    }

    /// The entries of a whole Secret (see `readWhole`).
    public func entries(of reference: Reference) -> [(key: String, value: SecretValue)] { wholeSecrets[reference] ?? [] }

    /// A key's value as it is (no trimming): an htpasswd file, for instance.
    public func value(for reference: Reference) -> SecretValue? { values[reference] }

    /// The contents of `directory/components...` when that resolves, symbolic links followed (a
    /// mounted Secret's keys are links into its `..data` folder), to a regular file inside the
    /// directory; nil for anything that leaves it.
    static func containedFile(directory: String, components: [String]) -> [UInt8]? {
        guard let root = realPath(directory) else { return nil }
        guard let resolved = realPath(([directory] + components).joined(separator: "/")) else { return nil }
        guard resolved.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        // FileManager rather than stat(2): the stat struct's module varies with the import graph.
        guard (try? FileManager.default.attributesOfItem(atPath: resolved)[.type] as? FileAttributeType) == .typeRegular else { return nil }
        return FileManager.default.contents(atPath: resolved).map { [UInt8]($0) }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The credential to send upstream: trimmed, and for the default `Authorization` key without
    /// a leading `Bearer `, as agentgateway does.
    public func credential(for reference: Reference) -> String? {
        guard let value = values[reference] else { return nil }
        var text = value.revealString().trimmingCharacters(in: .whitespacesAndNewlines)
        if reference.key == BackendAuth.defaultSecretKey, text.hasPrefix("Bearer ") { text = String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        return text
    }

    public var count: Int { values.count + wholeSecrets.count }
}
