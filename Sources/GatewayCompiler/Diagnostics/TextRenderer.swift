import Foundation
import GatewayIR

/// Renders diagnostics as `file:line:col: severity[CODE]: message`, the source line with a caret
/// under the column, then notes and the fix. Colour only when asked (a TTY without NO_COLOR).
public struct TextRenderer {
    public var colorize: Bool
    public init(colorize: Bool) { self.colorize = colorize }

    public func render(_ diagnostics: [Diagnostic], files: (String) -> SourceFile?) -> String {
        var out = ""
        for diagnostic in diagnostics {
            let label = paint(diagnostic.severity.rawValue, diagnostic.severity == .error ? "1;31" : diagnostic.severity == .warning ? "1;33" : "1;36")
            out += paint("\(diagnostic.location):", "1") + " \(label)[\(diagnostic.code.rawValue)]: " + paint(diagnostic.message, "1") + "\n"
            out += snippet(diagnostic.location, files: files)
            if let object = diagnostic.object { out += "   = object: \(object)\n" }
            if let condition = diagnostic.condition { out += "   = condition: \(condition)\n" }
            for note in diagnostic.notes {
                out += "   = note: \(note.message)" + (note.location.map { $0.isKnown ? " (\($0))" : "" } ?? "") + "\n"
            }
            if let fix = diagnostic.fixHint {
                let lines = fix.split(separator: "\n", omittingEmptySubsequences: false)
                out += "   = " + paint("help", "1;32") + ": " + lines.joined(separator: "\n           ") + "\n"
            }
            out += "\n"
        }
        return out
    }

    private func snippet(_ location: SourceLocation, files: (String) -> SourceFile?) -> String {
        guard location.isKnown, let file = files(location.file), location.line <= file.lineCount else { return "" }
        // Never the whole line: a capped window, and no value on a line that carries a secret.
        let excerpt = file.excerpt(line: location.line, column: location.column)
        let text = excerpt.text.replacingTabs()
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        let caretPadding = String(repeating: " ", count: max(0, excerpt.caretColumn - 1))
        return "\(gutter) |\n\(number) | \(text)\n\(gutter) | \(caretPadding)" + paint("^", "1;31") + "\n"
    }

    private func paint(_ text: String, _ code: String) -> String {
        colorize ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// Tabs shown as one space each, so the caret column stays right.
    fileprivate func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
