import Foundation
import GatewayIR

/// One regex prompt-guard entry (`promptGuard.request[]` or `.response[]`): its patterns and
/// built-ins, compiled once per table load, and what it does with a match: `Mask` replaces it
/// (`<masked>` for a pattern, the entity's tag for a built-in), `Reject` refuses the request (or
/// the answer) with its `response` (status, default 403; message).
struct PromptGuardRule: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable once made and safe to use from any thread.
    enum Action: Sendable { case mask, reject }

    struct Finding {
        var range: Range<String.Index>
        var replacement: String
    }

    let action: Action
    let patterns: [NSRegularExpression]
    let builtins: [PromptGuardBuiltin]
    let rejectStatus: Int
    let rejectMessage: String
    /// The policy it comes from (`namespace/name`), its record index (tells rules apart), and a
    /// description for audit records: the action and what it looks for, never the text it found.
    var policy = ""
    var id = -1
    var summary: String {
        "\(action == .reject ? "Reject" : "Mask") \((patterns.map(\.pattern) + builtins.map(\.rawValue)).joined(separator: ", "))"
    }
    static let defaultRejectMessage = "The request was rejected due to inappropriate content"

    init(action: Action, patterns: [NSRegularExpression], builtins: [PromptGuardBuiltin], rejectStatus: Int = 403, rejectMessage: String? = nil) {
        self.action = action
        self.patterns = patterns
        self.builtins = builtins
        self.rejectStatus = rejectStatus
        self.rejectMessage = rejectMessage ?? Self.defaultRejectMessage
    }

    /// The rule of a prompt-guard record; a pattern that does not compile is named in `warnings`
    /// (lint reports it first: GW408) and left out.
    init(record: RouteTable.PolicyRecord, warnings: inout [String]) {
        var patterns: [NSRegularExpression] = []
        for pattern in record.guardPatterns {
            if let regex = try? NSRegularExpression(pattern: pattern) { patterns.append(regex) } else {
                warnings.append("policy \(record.name): prompt-guard pattern \"\(pattern)\" does not compile; it is ignored")
            }
        }
        let builtins = record.guardBuiltins.compactMap { name in
            let builtin = PromptGuardBuiltin(rawValue: name)
            if builtin == nil { warnings.append("policy \(record.name): unknown prompt-guard builtin \"\(name)\"; it is ignored") }
            return builtin
        }
        self.init(action: record.guardAction == "Reject" ? .reject : .mask, patterns: patterns, builtins: builtins,
                  rejectStatus: Int(record.guardRejectStatus), rejectMessage: record.guardRejectMessage)
        policy = record.name
        id = record.index
    }

    /// Every match in `text`, without overlaps (the earlier, then the longer, wins), in order.
    func findings(in text: String) -> [Finding] {
        let whole = NSRange(text.startIndex..., in: text)
        var found: [Finding] = []
        for regex in patterns {
            for match in regex.matches(in: text, range: whole) where match.range.length > 0 {
                if let range = Range(match.range, in: text) { found.append(Finding(range: range, replacement: "<masked>")) }
            }
        }
        for builtin in builtins {
            guard let regex = builtin.regex else { continue }
            for match in regex.matches(in: text, range: whole) {
                if let range = Range(match.range, in: text), builtin.accepts(text[range]) { found.append(Finding(range: range, replacement: builtin.tag)) }
            }
        }
        found.sort { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.range.upperBound > $1.range.upperBound }
        var kept: [Finding] = []
        for finding in found where kept.last.map({ finding.range.lowerBound >= $0.range.upperBound }) ?? true { kept.append(finding) }
        return kept
    }

    /// `text` with the findings replaced.
    static func masked(_ text: String, _ findings: [Finding]) -> String {
        var result = "", cursor = text.startIndex
        for finding in findings {
            result += text[cursor..<finding.range.lowerBound]
            result += finding.replacement
            cursor = finding.range.upperBound
        }
        return result + text[cursor...]
    }
}
