import GatewayIR

/// Finds the lines of a parsed file that carry secret values and marks them on the file, so that
/// diagnostics' snippets show the key and a redaction marker there instead (`SourceFile.excerpt`).
///
/// Marked: everything under a Secret's `data` and `stringData` (up to the next key of the
/// Secret, so a duplicate key or a value the tree dropped is covered too), and anywhere the value
/// of a key that names a credential (`api_key`, `password`, `token`, ...), `policies.auth.key`
/// and basic-auth `users`. A file that did not parse and mentions a secret is marked whole.
enum SensitiveValues {
    /// Keys whose values are credentials wherever they appear (compared lower-cased).
    static let credentialKeys: Set<String> = [
        "api_key", "apikey", "api-key", "x-api-key", "authorization", "password", "passwd", "token", "access_token",
        "refresh_token", "client_secret", "secret_key", "private_key", "secret",
    ]
    /// Keys that are credentials only under a given parent key.
    static let credentialKeysByParent: [String: Set<String>] = [
        "auth": ["key"], "basicauthentication": ["users", "htaccess"],
        // Hermes' platform settings (`platforms.api_server.extra.key`) and the top-level `api_server` block.
        "extra": ["key"], "api_server": ["key"],
    ]

    static func mark(_ documents: [Document], diagnostics: [Diagnostic], in file: SourceFile) {
        // A syntax error leaves part of the file without a tree, and a JSON text with a duplicate
        // key has none at all: no structure tells where the values are.
        let failed = diagnostics.contains { $0.severity == .error }
        let unparsed = failed && (documents.allSatisfy { $0.root == nil } || diagnostics.contains { diagnostic in
            [DiagnosticCode.yamlSyntax, .jsonSyntax, .tabIndentation, .invalidEncoding, .unsupportedYAML, .nestingTooDeep].contains(diagnostic.code)
        })
        if unparsed && mentionsSecret(file) {
            file.markAllSensitive()
            return
        }
        let ordered = documents.sorted { $0.mark.line < $1.mark.line }
        for (position, document) in ordered.enumerated() {
            guard let root = document.root else { continue }
            let end = position + 1 < ordered.count ? max(Int(document.mark.line), Int(ordered[position + 1].mark.line) - 1) : file.lineCount
            walk(root, parentKey: nil, end: end, file: file)
        }
    }

    /// `end` is the last line that may belong to this node.
    private static func walk(_ node: Node, parentKey: String?, end: Int, file: SourceFile) {
        switch node {
        case .scalar:
            return
        case .sequence(let items, _):
            for (position, item) in items.enumerated() {
                walk(item, parentKey: parentKey, end: position + 1 < items.count ? boundary(after: item, next: items[position + 1].mark, end: end) : end, file: file)
            }
        case .mapping(let entries, _):
            let isSecret = node["kind"]?.scalarText == "Secret"
            let sensitiveHere = credentialKeysByParent[parentKey?.lowercased() ?? ""] ?? []
            for (position, entry) in entries.enumerated() {
                let entryEnd = position + 1 < entries.count ? boundary(after: entry.value, next: entries[position + 1].key.mark, end: end) : end
                let key = entry.key.text.lowercased()
                if (isSecret && (entry.key.text == "data" || entry.key.text == "stringData")) || credentialKeys.contains(key) || sensitiveHere.contains(key) {
                    file.markSensitive(Int(entry.value.mark.line)...max(Int(entry.value.mark.line), entryEnd))
                    continue
                }
                walk(entry.value, parentKey: entry.key.text, end: entryEnd, file: file)
            }
        }
    }

    /// The last line of a child that the next sibling starts after: the line before the sibling,
    /// or the sibling's own line when both share it (flow collections).
    private static func boundary(after node: Node, next: Mark, end: Int) -> Int {
        min(end, max(Int(node.mark.line), Int(next.line) - 1))
    }

    private static func mentionsSecret(_ file: SourceFile) -> Bool {
        let text = String(decoding: file.bytes.prefix(4 << 20), as: UTF8.self).lowercased()
        return ["secret", "api_key", "apikey", "password", "token", "authorization", "key:"].contains { text.contains($0) }
    }
}
