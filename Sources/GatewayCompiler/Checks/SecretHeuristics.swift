import Foundation
import GatewayIR

/// Recognises credentials that were never filled in, and text that looks like a real key.
enum SecretHeuristics {
    static let placeholderWords: Set<String> = [
        "dummy", "changeme", "change-me", "placeholder", "none", "null", "todo", "xxx", "secret", "your-api-key",
        "your_api_key", "api-key", "apikey", "replace-me", "replace_me", "<your-key>", "*",
    ]

    /// An unexpanded variable (`$ANTHROPIC_API_KEY`, `${KEY}`), a template (`<key>`, `{{ .key }}`)
    /// or a well-known filler word.
    static func isPlaceholder(_ value: SecretValue) -> Bool {
        let text = value.revealString().trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return false }
        if text.hasPrefix("$") { return true }
        if text.hasPrefix("<") && text.hasSuffix(">") { return true }
        if text.hasPrefix("{{") { return true }
        if text.hasPrefix("Bearer $") { return true }
        return placeholderWords.contains(text.lowercased())
    }

    /// Looks like a provider key: a known prefix, or long and mixed like a random token.
    static func looksLikeRealKey(_ text: String) -> Bool {
        let prefixes = ["sk-", "sk_", "AIza", "xai-", "gsk_", "AKIA", "ghp_", "hf_", "pk-", "rk-"]
        if text.hasPrefix("${") || text.hasPrefix("$") { return false }
        if prefixes.contains(where: { text.hasPrefix($0) }) && text.count >= 16 { return true }
        guard text.count >= 32, !text.contains(" ") else { return false }
        let hasDigit = text.contains(where: \.isNumber), hasLetter = text.contains(where: \.isLetter)
        return hasDigit && hasLetter
    }
}
