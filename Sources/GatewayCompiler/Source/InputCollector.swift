import Foundation
import GatewayIR

/// Turns command-line operands (files, directories, `-`) into source files, in a stable order.
public struct InputCollector {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// A failure to read one operand; reported as a diagnostic, never thrown past the caller.
    public struct ReadFailure: Sendable, Hashable {
        public var path: String
        public var reason: String
    }

    public init() {}

    /// Reads every operand. Directories are walked recursively and sorted by path, so the
    /// result does not depend on the order the file system lists them in.
    public func collect(_ operands: [String], standardInput: () -> [UInt8] = InputCollector.readStandardInput) -> (files: [SourceFile], failures: [ReadFailure]) {
        var files: [SourceFile] = []
        var failures: [ReadFailure] = []
        var seen = Set<String>()
        for operand in operands {
            if operand == "-" {
                files.append(SourceFile(path: "-", bytes: standardInput()))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: operand, isDirectory: &isDirectory) else {
                failures.append(ReadFailure(path: operand, reason: "no such file or directory"))
                continue
            }
            let paths = isDirectory.boolValue ? walk(operand) : [operand]
            for path in paths where seen.insert(path).inserted {
                if let data = FileManager.default.contents(atPath: path) {
                    files.append(SourceFile(path: path, bytes: [UInt8](data)))
                } else {
                    failures.append(ReadFailure(path: path, reason: "cannot be read (permission denied or not a regular file)"))
                }
            }
        }
        return (files, failures)
    }

    private func walk(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                // Hidden folders (.git, ..data of mounted ConfigMaps) hold no manifests of ours.
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            guard Self.extensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
            let full = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(full) }
        }
        return found.sorted()
    }

    public static func readStandardInput() -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
}
