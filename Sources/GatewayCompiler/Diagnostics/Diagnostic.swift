import GatewayIR

public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary location that explains a diagnostic ("the Gateway is defined here").
public struct DiagnosticNote: Sendable, Hashable {
    public var message: String
    public var location: SourceLocation?
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}

/// One finding: a value produced by a check, rendered elsewhere. Messages never hold secret values.
public struct Diagnostic: Sendable, Hashable {
    public var code: DiagnosticCode
    /// Always the code's catalogued severity: the catalogue is the one source of it.
    public let severity: Severity
    public var message: String
    public var location: SourceLocation
    public var notes: [DiagnosticNote]
    /// What to change, in one sentence.
    public var fixHint: String?
    /// The condition a controller would write for this finding (`Accepted=False/NoMatchingParent`).
    public var condition: String?
    /// The object the finding is about (`HTTPRoute default/claude`), when there is one.
    public var object: String?

    public init(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [DiagnosticNote] = [], fix: String? = nil, condition: String? = nil, object: String? = nil
    ) {
        self.code = code
        self.severity = code.defaultSeverity
        self.message = message
        self.location = location
        self.notes = notes
        self.fixHint = fix
        self.condition = condition
        self.object = object
    }
}

extension Diagnostic: Comparable {
    /// Reports are sorted by file, line, column, then code and message, so output is deterministic.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        return lhs.message < rhs.message
    }
}
