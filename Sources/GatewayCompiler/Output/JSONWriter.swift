import CJansson

/// Serialises `JSONValue` with jansson, keeping member order.
public enum JSONWriter {
    public static func write(_ value: JSONValue, pretty: Bool = true) -> String {
        guard let json = build(value) else { return "null" }
        defer { json_decref(json) }
        let flags = (pretty ? 2 : 0) | Int(JSON_PRESERVE_ORDER) | Int(JSON_ENCODE_ANY) | (pretty ? 0 : Int(JSON_COMPACT))
        guard let text = json_dumps(json, flags) else { return "null" }
        defer { free(text) }
        return String(cString: text)
    }

    private static func build(_ value: JSONValue) -> UnsafeMutablePointer<json_t>? {
        switch value {
        case .null: return json_null()
        case .bool(let flag): return flag ? json_true() : json_false()
        case .int(let number): return json_integer(json_int_t(number))
        case .string(let text):
            return text.withCString { pointer in json_stringn(pointer, text.utf8.count) }
        case .array(let items):
            let array = json_array()
            for item in items { if let child = build(item) { json_array_append_new(array, child) } }
            return array
        case .object(let members):
            let object = json_object()
            for member in members { if let child = build(member.value) { json_object_set_new(object, member.key, child) } }
            return object
        }
    }
}
