import CJansson

/// The compact schema of one kind, derived from its CRD: types, properties, enums and required
/// fields. Keys in the embedded JSON: `t` type(s) joined by `|` (`is` = int-or-string), `p`
/// properties, `a` additionalProperties, `i` items, `e` enum, `r` required, `k` preserve unknown.
public final class StructuralSchema: Sendable {
    /// Allowed JSON types as bits, so the per-node check does not hash strings.
    public struct TypeMask: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let object = TypeMask(rawValue: 1)
        public static let array = TypeMask(rawValue: 2)
        public static let string = TypeMask(rawValue: 4)
        public static let integer = TypeMask(rawValue: 8)
        public static let number = TypeMask(rawValue: 16)
        public static let boolean = TypeMask(rawValue: 32)
        public static let intOrString = TypeMask(rawValue: 64)

        init(names: Set<String>) {
            var mask: TypeMask = []
            for name in names {
                switch name {
                case "object": mask.insert(.object)
                case "array": mask.insert(.array)
                case "string": mask.insert(.string)
                case "integer": mask.insert(.integer)
                case "number": mask.insert(.number)
                case "boolean": mask.insert(.boolean)
                case "is": mask.insert(.intOrString)
                default: break
                }
            }
            self = mask
        }
    }

    public let types: Set<String>
    public let typeMask: TypeMask
    public let properties: [String: StructuralSchema]
    public let additional: StructuralSchema?
    public let items: StructuralSchema?
    public let enumValues: [String]?
    public let required: [String]
    public let preservesUnknownFields: Bool

    init(types: Set<String>, properties: [String: StructuralSchema], additional: StructuralSchema?, items: StructuralSchema?, enumValues: [String]?, required: [String], preservesUnknownFields: Bool) {
        self.types = types
        self.typeMask = TypeMask(names: types)
        self.properties = properties
        self.additional = additional
        self.items = items
        self.enumValues = enumValues
        self.required = required
        self.preservesUnknownFields = preservesUnknownFields
    }

    /// Schemas by `apiVersion/kind` (e.g. `gateway.networking.k8s.io/v1/Gateway`, `v1/Secret`) and `hermes`.
    public static let catalogue: [String: StructuralSchema] = parseCatalogue(EmbeddedSchemas.json)

    public static func forKind(apiVersion: String, kind: String) -> StructuralSchema? { catalogue["\(apiVersion)/\(kind)"] }

    /// The apiVersions gwc knows for a kind, for "unsupported apiVersion" messages.
    public static func apiVersions(ofKind kind: String) -> [String] {
        catalogue.keys.compactMap { key -> String? in
            guard key.hasSuffix("/\(kind)") else { return nil }
            return String(key.dropLast(kind.count + 1))
        }.sorted()
    }

    private static func parseCatalogue(_ text: String) -> [String: StructuralSchema] {
        var error = json_error_t()
        let bytes = Array(text.utf8)
        let root = bytes.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<json_t>? in
            buffer.withMemoryRebound(to: CChar.self) { chars -> UnsafeMutablePointer<json_t>? in
                guard let base = chars.baseAddress else { return nil }
                return json_loadb(base, chars.count, 0, &error)
            }
        }
        guard let root else { return [:] }
        defer { json_decref(root) }
        var result: [String: StructuralSchema] = [:]
        forEachMember(root) { key, value in result[key] = build(value) }
        return result
    }

    private static func build(_ json: UnsafeMutablePointer<json_t>) -> StructuralSchema {
        var types = Set<String>()
        var properties: [String: StructuralSchema] = [:]
        var additional: StructuralSchema?
        var items: StructuralSchema?
        var enumValues: [String]?
        var required: [String] = []
        var preserve = false
        forEachMember(json) { key, value in
            switch key {
            case "t": types = Set((stringValue(value) ?? "").split(separator: "|").map(String.init))
            case "p": forEachMember(value) { name, child in properties[name] = build(child) }
            case "a": additional = build(value)
            case "i": items = build(value)
            case "e": enumValues = arrayValues(value).map { stringValue($0) ?? scalarText($0) }
            case "r": required = arrayValues(value).compactMap(stringValue)
            case "k": preserve = true
            default: break
            }
        }
        return StructuralSchema(types: types, properties: properties, additional: additional, items: items, enumValues: enumValues, required: required, preservesUnknownFields: preserve)
    }

    private static func forEachMember(_ object: UnsafeMutablePointer<json_t>, _ body: (String, UnsafeMutablePointer<json_t>) -> Void) {
        var iterator = json_object_iter(object)
        while let current = iterator {
            if let key = json_object_iter_key(current), let value = json_object_iter_value(current) {
                body(String(cString: key), value)
            }
            iterator = json_object_iter_next(object, current)
        }
    }

    private static func arrayValues(_ array: UnsafeMutablePointer<json_t>) -> [UnsafeMutablePointer<json_t>] {
        (0..<json_array_size(array)).compactMap { json_array_get(array, $0) }
    }

    private static func stringValue(_ value: UnsafeMutablePointer<json_t>) -> String? {
        guard value.pointee.type == JSON_STRING, let text = json_string_value(value) else { return nil }
        return String(cString: text)
    }

    private static func scalarText(_ value: UnsafeMutablePointer<json_t>) -> String {
        switch value.pointee.type {
        case JSON_INTEGER: return String(json_integer_value(value))
        case JSON_TRUE: return "true"
        case JSON_FALSE: return "false"
        default: return ""
        }
    }
}
