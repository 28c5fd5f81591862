import GatewayIR

/// 1-based line and character column inside the document's file.
public struct Mark: Sendable, Hashable {
    public var line: Int32
    public var column: Int32
    public init(line: Int32, column: Int32) {
        self.line = line
        self.column = column
    }
}

/// A scalar as written: its text, whether it was quoted (which decides `"8080"` versus `8080`),
/// and where it starts.
public struct Scalar: Sendable, Hashable {
    public var text: String
    public var isPlain: Bool
    public var mark: Mark
    public init(text: String, isPlain: Bool, mark: Mark) {
        self.text = text
        self.isPlain = isPlain
        self.mark = mark
    }

    /// YAML 1.1 / JSON null: empty plain scalar, `~`, `null`.
    public var isNull: Bool { isPlain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL") }
}

public struct MappingEntry: Sendable, Hashable {
    public var key: Scalar
    public var value: Node
}

/// The syntax tree every decoder reads: YAML and JSON both end up here, each node with its mark.
public enum Node: Sendable, Hashable {
    case scalar(Scalar)
    case mapping([MappingEntry], Mark)
    case sequence([Node], Mark)

    public var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(_, let mark), .sequence(_, let mark): mark
        }
    }

    /// The value of a mapping key, by exact name.
    public subscript(key: String) -> Node? {
        guard case .mapping(let entries, _) = self else { return nil }
        for entry in entries where entry.key.text == key { return entry.value }
        return nil
    }

    public var scalarText: String? {
        if case .scalar(let scalar) = self, !scalar.isNull { return scalar.text }
        return nil
    }

    public var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }

    /// Name of the node's shape, for messages.
    public var shapeName: String {
        switch self {
        case .scalar(let scalar): scalar.isNull ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// One YAML document (or one JSON text) of a file. `root` is nil for an empty document.
public struct Document: Sendable {
    public var file: SourceFile
    public var index: Int
    public var root: Node?
    public var mark: Mark

    public func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file.path, line: Int(mark.line), column: Int(mark.column))
    }
}
