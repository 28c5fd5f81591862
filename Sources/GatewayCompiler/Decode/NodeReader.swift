import GatewayIR

/// Typed access to a node that schema validation has already checked. Accessors return nil or
/// empty values for shapes they do not expect, because the validator has reported those.
struct NodeReader {
    let document: Document

    func location(_ node: Node?) -> SourceLocation {
        document.location(node?.mark ?? document.mark)
    }

    func location(_ mark: Mark) -> SourceLocation { document.location(mark) }

    func string(_ node: Node?, _ key: String) -> String? { node?[key]?.scalarText }

    func int(_ node: Node?, _ key: String) -> Int? {
        guard let text = node?[key]?.scalarText else { return nil }
        return Int(text)
    }

    func bool(_ node: Node?, _ key: String) -> Bool? {
        switch node?[key]?.scalarText {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    func items(_ node: Node?, _ key: String) -> [Node] {
        if case .sequence(let items, _)? = node?[key] { return items }
        return []
    }

    func entries(_ node: Node?) -> [MappingEntry] {
        if case .mapping(let entries, _)? = node { return entries }
        return []
    }

    func strings(_ node: Node?, _ key: String) -> [String] { items(node, key).compactMap(\.scalarText) }

    func stringMap(_ node: Node?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in entries(node) { result[entry.key.text] = entry.value.scalarText ?? "" }
        return result
    }

    func has(_ node: Node?, _ key: String) -> Bool {
        guard let value = node?[key] else { return false }
        return !value.isNull
    }
}
