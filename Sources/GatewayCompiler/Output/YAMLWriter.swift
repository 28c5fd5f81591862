import CYAML

/// Serialises `JSONValue` as block YAML with libyaml's emitter, as `kubectl get -o yaml` shows objects.
public enum YAMLWriter {
    public static func write(_ value: JSONValue) -> String {
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { return "" }
        defer { yaml_emitter_delete(&emitter) }
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(data).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        yaml_emitter_emit(&emitter, &event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        yaml_emitter_emit(&emitter, &event)
        emit(value, &emitter)
        yaml_document_end_event_initialize(&event, 1)
        yaml_emitter_emit(&emitter, &event)
        yaml_stream_end_event_initialize(&event)
        yaml_emitter_emit(&emitter, &event)
        yaml_emitter_flush(&emitter)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    private static func scalar(_ text: String, plain: Bool, _ emitter: inout yaml_emitter_t) {
        var event = yaml_event_t()
        let style = plain ? YAML_ANY_SCALAR_STYLE : (needsQuotes(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE)
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            _ = yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count), 1, 1, style)
        }
        yaml_emitter_emit(&emitter, &event)
    }

    /// Strings that YAML would read as another type are quoted (`"True"`, `"8080"`, `""`).
    private static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty { return true }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        if reserved.contains(text.lowercased()) { return true }
        if Double(text) != nil || Int(text) != nil { return true }
        return false
    }

    private static func emit(_ value: JSONValue, _ emitter: inout yaml_emitter_t) {
        var event = yaml_event_t()
        switch value {
        case .null: scalar("null", plain: true, &emitter)
        case .bool(let flag): scalar(flag ? "true" : "false", plain: true, &emitter)
        case .int(let number): scalar(String(number), plain: true, &emitter)
        case .string(let text): scalar(text, plain: false, &emitter)
        case .array(let items):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, items.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
            yaml_emitter_emit(&emitter, &event)
            for item in items { emit(item, &emitter) }
            yaml_sequence_end_event_initialize(&event)
            yaml_emitter_emit(&emitter, &event)
        case .object(let members):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, members.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
            yaml_emitter_emit(&emitter, &event)
            for member in members {
                scalar(member.key, plain: false, &emitter)
                emit(member.value, &emitter)
            }
            yaml_mapping_end_event_initialize(&event)
            yaml_emitter_emit(&emitter, &event)
        }
    }
}
