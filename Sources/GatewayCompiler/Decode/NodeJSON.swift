import GatewayIR

/// A YAML value as JSON text, as Kubernetes stores a `x-kubernetes-preserve-unknown-fields`
/// value: plain scalars resolved by YAML's core schema (null, booleans, integers, floats),
/// every other scalar a string, mappings and sequences as objects and arrays.
enum NodeJSON {
    static func text(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            guard scalar.isPlain else { return quoted(scalar.text) }
            if scalar.isNull { return "null" }
            if ["true", "True", "TRUE"].contains(scalar.text) { return "true" }
            if ["false", "False", "FALSE"].contains(scalar.text) { return "false" }
            return isJSONNumber(scalar.text) ? scalar.text : quoted(scalar.text)
        case .mapping(let entries, _):
            return "{" + entries.map { quoted($0.key.text) + ":" + text($0.value) }.joined(separator: ",") + "}"
        case .sequence(let items, _):
            return "[" + items.map(text).joined(separator: ",") + "]"
        }
    }

    static func quoted(_ text: String) -> String { JSONWriter.write(.string(text), pretty: false) }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= 48 && $0 <= 57 }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") { bytes = bytes.dropFirst() } else if digits() == 0 { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }
}
