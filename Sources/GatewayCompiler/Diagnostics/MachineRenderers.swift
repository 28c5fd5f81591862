import Foundation
import GatewayIR

/// JSON, SARIF 2.1.0 and GitHub Actions renderings of diagnostics. The JSON schema is in
/// docs/diagnostics.md.
public enum MachineRenderers {
    public static let toolVersion = "0.1.0"

    public static func json(_ result: LintResult) -> String {
        let diagnostics = result.diagnostics.map { diagnostic -> JSONValue in
            .object([
                "code": .string(diagnostic.code.rawValue),
                "name": .string(diagnostic.code.name),
                "severity": .string(diagnostic.severity.rawValue),
                "message": .string(diagnostic.message),
                "file": .string(diagnostic.location.file),
                "line": .int(diagnostic.location.line),
                "column": .int(diagnostic.location.column),
                "object": JSONValue.string(diagnostic.object),
                "condition": JSONValue.string(diagnostic.condition),
                "notes": .array(diagnostic.notes.map { note in
                    .object([
                        "message": .string(note.message), "file": JSONValue.string(note.location?.file),
                        "line": note.location.map { .int($0.line) }, "column": note.location.map { .int($0.column) },
                    ])
                }),
                "fix": JSONValue.string(diagnostic.fixHint),
            ])
        }
        let summary: JSONValue = .object([
            "files": .int(result.files.count), "documents": .int(result.documentCount), "objects": .int(result.objectCount),
            "skipped": .int(result.skippedObjectCount), "errors": .int(result.count(.error)), "warnings": .int(result.count(.warning)),
            "notes": .int(result.count(.note)),
        ])
        return JSONWriter.write(.object(["diagnostics": .array(diagnostics), "summary": summary])) + "\n"
    }

    public static func sarif(_ result: LintResult) -> String {
        let used = Set(result.diagnostics.map(\.code))
        let rules = DiagnosticCode.all.filter { used.contains($0) }
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.rawValue, $0.offset) })
        let results = result.diagnostics.map { diagnostic -> JSONValue in
            var members: [JSONValue.Member] = [
                .init("ruleId", .string(diagnostic.code.rawValue)),
                .init("ruleIndex", .int(ruleIndex[diagnostic.code.rawValue] ?? 0)),
                .init("level", .string(diagnostic.severity == .note ? "note" : diagnostic.severity.rawValue)),
                .init("message", .object(["text": .string(diagnostic.message + (diagnostic.fixHint.map { " Fix: \($0)" } ?? ""))])),
            ]
            if diagnostic.location.isKnown { members.append(.init("locations", .array([location(diagnostic.location)]))) }
            let related = diagnostic.notes.compactMap { note -> JSONValue? in
                guard let at = note.location, at.isKnown else { return nil }
                return .object([
                    "physicalLocation": physical(at), "message": .object(["text": .string(note.message)]),
                ])
            }
            if !related.isEmpty { members.append(.init("relatedLocations", .array(related))) }
            return .object(members)
        }
        let driver: JSONValue = .object([
            "name": .string("gwc"), "version": .string(toolVersion), "informationUri": .string("https://github.com/gwc/gwc/blob/main/docs/diagnostics.md"),
            "rules": .array(rules.map { code in
                .object([
                    "id": .string(code.rawValue), "name": .string(code.name),
                    "shortDescription": .object(["text": .string(code.title)]),
                    "helpUri": .string("https://github.com/gwc/gwc/blob/main/docs/diagnostics.md#\(code.rawValue.lowercased())"),
                    "defaultConfiguration": .object(["level": .string(code.defaultSeverity == .note ? "note" : code.defaultSeverity.rawValue)]),
                ])
            }),
        ])
        let log: JSONValue = .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"), "version": .string("2.1.0"),
            "runs": .array([.object(["tool": .object(["driver": driver]), "results": .array(results)])]),
        ])
        return JSONWriter.write(log) + "\n"
    }

    private static func physical(_ location: SourceLocation) -> JSONValue {
        .object([
            "artifactLocation": .object(["uri": .string(location.file)]),
            "region": .object(["startLine": .int(location.line), "startColumn": .int(max(1, location.column))]),
        ])
    }

    private static func location(_ location: SourceLocation) -> JSONValue { .object(["physicalLocation": physical(location)]) }

    /// GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`.
    public static func github(_ result: LintResult) -> String {
        var out = ""
        for diagnostic in result.diagnostics {
            let command = diagnostic.severity == .note ? "notice" : diagnostic.severity.rawValue
            var properties: [String] = []
            if diagnostic.location.isKnown {
                properties += ["file=\(escapeProperty(diagnostic.location.file))", "line=\(diagnostic.location.line)", "col=\(diagnostic.location.column)"]
            }
            properties.append("title=\(escapeProperty("gwc \(diagnostic.code.rawValue) \(diagnostic.code.name)"))")
            let message = diagnostic.message + (diagnostic.fixHint.map { "\nFix: \($0)" } ?? "")
            out += "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    private static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
