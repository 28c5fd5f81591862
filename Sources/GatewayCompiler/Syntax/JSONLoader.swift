import CJansson
import GatewayIR

/// Reads JSON with jansson (strict: duplicate keys and trailing garbage are errors) and gives
/// every value the line and column where it starts. jansson keeps no positions, so a light
/// scanner walks the already-validated text in step with the decoded tree to find them.
public struct JSONLoader {
    public var limits: LoadLimits

    public init(limits: LoadLimits = .standard) { self.limits = limits }

    public func load(_ file: SourceFile) -> (documents: [Document], diagnostics: [Diagnostic]) {
        var error = json_error_t()
        let flags = Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
        let parsed = file.bytes.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<json_t>? in
            buffer.withMemoryRebound(to: CChar.self) { chars -> UnsafeMutablePointer<json_t>? in
                guard let base = chars.baseAddress else { return nil }
                return json_loadb(base, chars.count, flags, &error)
            }
        }
        guard let root = parsed else {
            if file.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return ([], []) }
            return ([], [diagnostic(for: error, file: file)])
        }
        defer { json_decref(root) }
        var scanner = PositionScanner(bytes: file.bytes, file: file)
        var diagnostics: [Diagnostic] = []
        let node = convert(root, scanner: &scanner, depth: 0, diagnostics: &diagnostics)
        let mark = node?.mark ?? Mark(line: 1, column: 1)
        return ([Document(file: file, index: 0, root: node, mark: mark)], diagnostics)
    }

    private func diagnostic(for error: json_error_t, file: SourceFile) -> Diagnostic {
        let text = withUnsafeBytes(of: error.text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let location = error.position >= 0 ? file.location(ofByteOffset: Int(error.position)) : SourceLocation(file: file.path, line: max(1, Int(error.line)), column: max(1, Int(error.column)))
        if text.contains("duplicate object key") {
            return Diagnostic(.duplicateKey, text, at: location, fix: "keep one of the two keys")
        }
        if text.contains("UTF-8") {
            return Diagnostic(.invalidEncoding, "input is not valid UTF-8 (\(text))", at: location, fix: "save the file as UTF-8")
        }
        if text.contains("too big") || text.contains("maximum") && text.contains("depth") {
            return Diagnostic(.nestingTooDeep, text, at: location, fix: "flatten the structure")
        }
        return Diagnostic(.jsonSyntax, text, at: location)
    }

    private func convert(_ value: UnsafeMutablePointer<json_t>, scanner: inout PositionScanner, depth: Int, diagnostics: inout [Diagnostic]) -> Node? {
        let mark = scanner.valueStart()
        guard depth < limits.maxDepth else {
            diagnostics.append(Diagnostic(.nestingTooDeep, "nesting deeper than \(limits.maxDepth) levels", at: scanner.location(mark), fix: "flatten the structure"))
            return nil
        }
        switch value.pointee.type {
        case JSON_OBJECT:
            scanner.consume(0x7B)
            var entries: [MappingEntry] = []
            entries.reserveCapacity(json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                scanner.skipSeparators()
                let keyMark = scanner.currentMark()
                scanner.skipString()
                scanner.skipSeparators()
                let key = json_object_iter_key(current).map { keyPointer in
                    String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(keyPointer).assumingMemoryBound(to: UInt8.self), count: json_object_iter_key_len(current)), as: UTF8.self)
                } ?? ""
                guard let child = json_object_iter_value(current),
                      let node = convert(child, scanner: &scanner, depth: depth + 1, diagnostics: &diagnostics) else { return nil }
                entries.append(MappingEntry(key: Scalar(text: key, isPlain: false, mark: keyMark), value: node))
                iterator = json_object_iter_next(value, current)
            }
            scanner.skipSeparators()
            scanner.consume(0x7D)
            return .mapping(entries, mark)
        case JSON_ARRAY:
            scanner.consume(0x5B)
            let count = json_array_size(value)
            var items: [Node] = []
            items.reserveCapacity(count)
            for index in 0..<count {
                scanner.skipSeparators()
                guard let child = json_array_get(value, index),
                      let node = convert(child, scanner: &scanner, depth: depth + 1, diagnostics: &diagnostics) else { return nil }
                items.append(node)
            }
            scanner.skipSeparators()
            scanner.consume(0x5D)
            return .sequence(items, mark)
        case JSON_STRING:
            scanner.skipString()
            let length = json_string_length(value)
            let text = json_string_value(value).map { pointer in
                String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length), as: UTF8.self)
            } ?? ""
            return .scalar(Scalar(text: text, isPlain: false, mark: mark))
        default:
            // Numbers, true, false and null keep their source spelling (`1.0` stays `1.0`).
            let text = scanner.takeBareToken()
            return .scalar(Scalar(text: text, isPlain: true, mark: mark))
        }
    }
}

/// Walks JSON text that jansson already accepted, to find where values start.
private struct PositionScanner {
    let bytes: [UInt8]
    let file: SourceFile
    var offset = 0

    init(bytes: [UInt8], file: SourceFile) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file.path, line: Int(mark.line), column: Int(mark.column))
    }

    func currentMark() -> Mark {
        let location = file.location(ofByteOffset: offset)
        return Mark(line: Int32(clamping: location.line), column: Int32(clamping: location.column))
    }

    mutating func valueStart() -> Mark {
        skipWhitespace()
        return currentMark()
    }

    mutating func skipWhitespace() {
        while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x0A || bytes[offset] == 0x0D || bytes[offset] == 0x09 { offset += 1 }
    }

    /// Skips whitespace, commas and colons: the punctuation between keys and values.
    mutating func skipSeparators() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09, 0x2C, 0x3A: offset += 1
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) {
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == byte { offset += 1 }
    }

    mutating func skipString() {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == 0x22 else { return }
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if byte == 0x5C { offset += 1 } else if byte == 0x22 { return }
        }
    }

    mutating func takeBareToken() -> String {
        skipWhitespace()
        let start = offset
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09, 0x3A: return String(decoding: bytes[start..<offset], as: UTF8.self)
            default: offset += 1
            }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }
}
