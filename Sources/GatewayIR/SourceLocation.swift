/// Where a value came from: a file (or `-` for standard input) and a 1-based line and column.
/// Columns count Unicode scalars, not bytes, so a caret lines up under the character.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for objects that have no source text (defaults, synthesized objects).
    public static let unknown = SourceLocation(file: "", line: 0, column: 0)

    public var isKnown: Bool { !file.isEmpty && line > 0 }

    public var description: String { isKnown ? "\(file):\(line):\(column)" : "<no source>" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
