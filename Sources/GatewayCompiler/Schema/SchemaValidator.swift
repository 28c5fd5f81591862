import GatewayIR

/// Checks a document against its kind's structural schema: unknown fields (with the nearest known
/// name), wrong types, enum values and required fields. Typed decoding runs after it and may
/// assume the shapes it checked.
public struct SchemaValidator {
    public let document: Document
    public private(set) var diagnostics: [Diagnostic] = []
    private let object: String?

    public init(document: Document, object: String?) {
        self.document = document
        self.object = object
    }

    public mutating func validate(_ node: Node, against schema: StructuralSchema, path: String) {
        if node.isNull { return }
        if !schema.types.isEmpty, !quickTypeMatch(node, schema.typeMask), let problem = typeProblem(node, schema.types) {
            report(.wrongType, "\(displayPath(path)) must be \(problem.expected), found \(problem.found)", at: node.mark, fix: problem.fix)
            return
        }
        switch node {
        case .scalar(let scalar):
            if let allowed = schema.enumValues, !allowed.isEmpty, !allowed.contains(scalar.text) {
                let suggestion = NameSuggester.nearest(to: scalar.text, in: allowed)
                report(
                    .unsupportedValue,
                    "\(displayPath(path)) has the unsupported value \"\(scalar.text)\"; allowed: \(allowed.joined(separator: ", "))",
                    at: scalar.mark, fix: suggestion.map { "did you mean \"\($0)\"?" })
            }
        case .sequence(let items, _):
            guard let itemSchema = schema.items else { return }
            for (index, item) in items.enumerated() { validate(item, against: itemSchema, path: "\(path)[\(index)]") }
        case .mapping(let entries, let mark):
            for name in schema.required where !entries.contains(where: { $0.key.text == name && !$0.value.isNull }) {
                report(.missingField, "\(displayPath(path)) is missing the required field \"\(name)\"", at: mark, fix: "add `\(name):`")
            }
            for entry in entries {
                let childPath = path.isEmpty ? entry.key.text : "\(path).\(entry.key.text)"
                if let child = schema.properties[entry.key.text] {
                    validate(entry.value, against: child, path: childPath)
                } else if let additional = schema.additional {
                    validate(entry.value, against: additional, path: childPath)
                } else if !schema.preservesUnknownFields && !schema.properties.isEmpty {
                    let known = schema.properties.keys.sorted()
                    let suggestion = NameSuggester.nearest(to: entry.key.text, in: known)
                    let message = "unknown field \"\(entry.key.text)\" in \(path.isEmpty ? "the document root" : displayPath(path))"
                        + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")
                    report(
                        .unknownField, message, at: entry.key.mark,
                        fix: suggestion.map { "rename it to `\($0)`" } ?? "known fields here: \(known.joined(separator: ", "))")
                }
            }
        }
    }

    /// The common case (the type fits) decided without allocating; `typeProblem` explains the rest.
    private func quickTypeMatch(_ node: Node, _ mask: StructuralSchema.TypeMask) -> Bool {
        switch node {
        case .mapping: return mask.contains(.object)
        case .sequence: return mask.contains(.array)
        case .scalar(let scalar):
            if mask.contains(.intOrString) { return true }
            if !scalar.isPlain { return mask.contains(.string) }
            switch ScalarKind.of(scalar) {
            case .string: return mask.contains(.string)
            case .integer: return mask.contains(.integer) || mask.contains(.number)
            case .number: return mask.contains(.number)
            case .boolean: return mask.contains(.boolean)
            case .null: return true
            }
        }
    }

    private func displayPath(_ path: String) -> String { path.isEmpty ? "the document" : "`\(path)`" }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at mark: Mark, fix: String?) {
        diagnostics.append(Diagnostic(code, message, at: document.location(mark), fix: fix, object: object))
    }

    private struct TypeProblem {
        var expected: String
        var found: String
        var fix: String?
    }

    private func typeProblem(_ node: Node, _ types: Set<String>) -> TypeProblem? {
        if types.contains("is") {
            if case .scalar = node { return nil }
            return TypeProblem(expected: "a number or a string", found: node.shapeName)
        }
        let expected = types.sorted().map(Self.typeName).joined(separator: " or ")
        switch node {
        case .mapping:
            return types.contains("object") ? nil : TypeProblem(expected: expected, found: "a mapping")
        case .sequence:
            return types.contains("array") ? nil : TypeProblem(expected: expected, found: "a list")
        case .scalar(let scalar):
            if types.contains("string") {
                if !scalar.isPlain || ScalarKind.of(scalar) == .string { return nil }
                if types.count == 1 {
                    return TypeProblem(expected: "a string", found: "the \(ScalarKind.of(scalar).rawValue) \(scalar.text)", fix: "quote it: \"\(scalar.text)\"")
                }
            }
            let kind = scalar.isPlain ? ScalarKind.of(scalar) : .string
            switch kind {
            case .integer where types.contains("integer") || types.contains("number"): return nil
            case .number where types.contains("number"): return nil
            case .boolean where types.contains("boolean"): return nil
            default:
                if !scalar.isPlain, types.contains("integer") || types.contains("number"), ScalarKind.of(Scalar(text: scalar.text, isPlain: true, mark: scalar.mark)) != .string {
                    return TypeProblem(expected: expected, found: "the string \"\(scalar.text)\"", fix: "remove the quotes")
                }
                return TypeProblem(expected: expected, found: kind == .string ? "the string \"\(scalar.text)\"" : "the \(kind.rawValue) \(scalar.text)")
            }
        }
    }

    private static func typeName(_ type: String) -> String {
        switch type {
        case "object": "a mapping"
        case "array": "a list"
        case "integer": "an integer"
        case "number": "a number"
        case "boolean": "true or false"
        default: "a \(type)"
        }
    }
}

/// What a plain YAML scalar resolves to, as Kubernetes' YAML reader resolves it.
enum ScalarKind: String {
    case string, integer, number, boolean, null

    static func of(_ scalar: Scalar) -> ScalarKind {
        guard scalar.isPlain else { return .string }
        if scalar.isNull { return .null }
        // Most plain scalars are words: decide those from the first byte without parsing.
        if let first = scalar.text.utf8.first {
            switch first {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
                break
            default:
                return .string
            }
        }
        switch scalar.text {
        case "true", "True", "TRUE", "false", "False", "FALSE": return .boolean
        default: break
        }
        let text = scalar.text
        if Int(text) != nil { return .integer }
        if text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true, Double(text) != nil { return .number }
        return .string
    }
}
