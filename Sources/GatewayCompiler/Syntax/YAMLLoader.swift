import CYAML
import GatewayIR

/// Reads YAML streams into `Document`s with libyaml's event parser. The tree is built with an
/// explicit stack, so nesting depth is bounded by `LoadLimits`, never by the call stack; aliases
/// are expanded under a node budget, so an alias bomb is an error and not a hang.
public struct YAMLLoader {
    public var limits: LoadLimits

    public init(limits: LoadLimits = .standard) { self.limits = limits }

    public func load(_ file: SourceFile) -> (documents: [Document], diagnostics: [Diagnostic]) {
        var builder = TreeBuilder(file: file, limits: limits)
        guard !file.bytes.isEmpty else { return ([], []) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return ([], [Diagnostic(.unreadableInput, "libyaml could not allocate a parser", at: builder.location(Mark(line: 1, column: 1)))])
        }
        defer { yaml_parser_delete(&parser) }
        file.bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.fail(with: parserError(&parser, file: file))
                    return
                }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.handle(&event)
                yaml_event_delete(&event)
                if done || builder.stopped { return }
            }
        }
        return (builder.documents, builder.diagnostics)
    }

    private func parserError(_ parser: inout yaml_parser_t, file: SourceFile) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            let location = file.location(ofByteOffset: parser.problem_offset)
            if problem.contains("UTF-8") || problem.contains("UTF-16") {
                return Diagnostic(
                    .invalidEncoding, "input is not valid UTF-8 (\(problem) at byte \(parser.problem_offset))", at: location,
                    fix: "save the file as UTF-8; Kubernetes and Hermes read only UTF-8")
            }
            return Diagnostic(.yamlSyntax, "\(problem) at byte \(parser.problem_offset)", at: location)
        }
        let mark = parser.problem_mark
        let location = SourceLocation(file: file.path, line: mark.line + 1, column: mark.column + 1)
        var notes: [DiagnosticNote] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextMark = parser.context_mark
            let contextLocation = SourceLocation(file: file.path, line: contextMark.line + 1, column: contextMark.column + 1)
            notes.append(DiagnosticNote(context, at: contextLocation))
        }
        if let offset = file.byteOffset(line: location.line, column: location.column), offset < file.bytes.count,
            file.bytes[offset] == 0x09 || problem.contains("tab")
        {
            return Diagnostic(
                .tabIndentation, "tab character where YAML expects spaces", at: location, notes: notes,
                fix: "indent with spaces; YAML does not allow tabs for indentation")
        }
        var fix: String?
        if problem.contains("expected key") || problem.contains("mapping values are not allowed") || problem.contains("expected <block end>") {
            fix = "check this line's indentation against the lines around it; siblings must start in the same column"
        }
        return Diagnostic(.yamlSyntax, problem, at: location, notes: notes, fix: fix)
    }
}

/// Builds nodes from events. Children of open collections wait on two shared stacks (keys and
/// values); a collection's array is made once, at its end, with its exact size.
private struct TreeBuilder {
    enum FrameKind { case mapping, sequence }
    struct Frame {
        var kind: FrameKind
        var mark: Mark
        var anchor: String?
        /// Where this collection's children start on the shared stacks.
        var valueStart: Int
        var keyStart: Int
        var expectingKey = true
        /// Index (relative to `keyStart`) of the earlier entry with the pending key, for duplicates.
        var pendingDuplicate: Int?
        var keySet: Set<String>?
        var size = 1
    }

    let file: SourceFile
    let limits: LoadLimits
    var documents: [Document] = []
    var diagnostics: [Diagnostic] = []
    var stopped = false

    private var stack: [Frame] = []
    private var keys: [Scalar] = []
    private var values: [Node] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    private var root: Node?
    private var documentMark = Mark(line: 1, column: 1)
    private var documentIndex = 0
    private var expanded = 0
    private var pendingEmptyDocument: Diagnostic?

    init(file: SourceFile, limits: LoadLimits) {
        self.file = file
        self.limits = limits
    }

    func location(_ mark: Mark) -> SourceLocation {
        SourceLocation(file: file.path, line: Int(mark.line), column: Int(mark.column))
    }

    mutating func fail(with diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        stopped = true
    }

    mutating func handle(_ event: inout yaml_event_t) {
        let mark = Mark(line: Int32(clamping: event.start_mark.line + 1), column: Int32(clamping: event.start_mark.column + 1))
        switch event.type {
        case YAML_STREAM_END_EVENT:
            // A file that ends with `---` has an empty last document; that is common and harmless.
            pendingEmptyDocument = nil
        case YAML_DOCUMENT_START_EVENT:
            if let pending = pendingEmptyDocument { diagnostics.append(pending) }
            pendingEmptyDocument = nil
            stack.removeAll(keepingCapacity: true)
            keys.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            anchors.removeAll(keepingCapacity: true)
            root = nil
            documentMark = mark
        case YAML_DOCUMENT_END_EVENT:
            if root?.isNull ?? true {
                root = nil
                pendingEmptyDocument = Diagnostic(
                    .emptyDocument, "document \(documentIndex + 1) of this file is empty", at: location(documentMark),
                    fix: "remove the empty document (an extra `---`), or ignore this warning")
            }
            documents.append(Document(file: file, index: documentIndex, root: root, mark: documentMark))
            documentIndex += 1
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) } ?? ""
            var plain = data.style == YAML_PLAIN_SCALAR_STYLE || data.style == YAML_ANY_SCALAR_STYLE
            if let tag = data.tag, String(cString: tag) == "tag:yaml.org,2002:str" { plain = false }
            let scalar = Scalar(text: text, isPlain: plain, mark: mark)
            if let anchor = data.anchor { anchors[String(cString: anchor)] = (.scalar(scalar), 1) }
            if let top = stack.indices.last, stack[top].kind == .mapping, stack[top].expectingKey {
                addKey(scalar, frame: top)
            } else {
                add(.scalar(scalar), size: 1, at: mark)
            }
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let target = anchors[name] else {
                fail(with: Diagnostic(.unsupportedYAML, "alias *\(name) names no anchor defined before it", at: location(mark)))
                return
            }
            expanded += target.size
            if expanded > limits.maxAliasExpansion {
                fail(with: Diagnostic(
                    .aliasExpansion,
                    "aliases in this file expand to more than \(limits.maxAliasExpansion) nodes (a \"billion laughs\" document?)",
                    at: location(mark), fix: "write the repeated values out, or use fewer nested aliases"))
                return
            }
            add(target.node, size: target.size, at: mark)
        case YAML_SEQUENCE_START_EVENT:
            push(.sequence, mark: mark, anchor: event.data.sequence_start.anchor.map { String(cString: $0) })
        case YAML_MAPPING_START_EVENT:
            push(.mapping, mark: mark, anchor: event.data.mapping_start.anchor.map { String(cString: $0) })
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let node: Node
            switch frame.kind {
            case .sequence:
                node = .sequence(Array(values[frame.valueStart...]), frame.mark)
            case .mapping:
                var entries: [MappingEntry] = []
                entries.reserveCapacity(values.count - frame.valueStart)
                for offset in 0..<(values.count - frame.valueStart) {
                    entries.append(MappingEntry(key: keys[frame.keyStart + offset], value: values[frame.valueStart + offset]))
                }
                keys.removeSubrange(frame.keyStart...)
                node = .mapping(Self.applyMergeKeys(entries), frame.mark)
            }
            values.removeSubrange(frame.valueStart...)
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
            add(node, size: frame.size, at: frame.mark)
        default:
            break
        }
    }

    private mutating func push(_ kind: FrameKind, mark: Mark, anchor: String?) {
        if let top = stack.indices.last, stack[top].kind == .mapping, stack[top].expectingKey {
            diagnostics.append(Diagnostic(.unsupportedYAML, "a mapping key must be a plain value, not a collection", at: location(mark), fix: "use a string key"))
            addKey(Scalar(text: "", isPlain: false, mark: mark), frame: top)
        }
        guard stack.count < limits.maxDepth else {
            fail(with: Diagnostic(
                .nestingTooDeep, "nesting deeper than \(limits.maxDepth) levels", at: location(mark),
                fix: "flatten the structure; no Kubernetes object or Hermes config nests this deep"))
            return
        }
        stack.append(Frame(kind: kind, mark: mark, anchor: anchor, valueStart: values.count, keyStart: keys.count))
    }

    private mutating func addKey(_ key: Scalar, frame top: Int) {
        stack[top].expectingKey = false
        stack[top].pendingDuplicate = nil
        if let earlier = duplicateIndex(of: key, in: &stack[top]) {
            stack[top].pendingDuplicate = earlier
            diagnostics.append(Diagnostic(
                .duplicateKey, "duplicate key \"\(key.text)\"", at: location(key.mark),
                notes: [DiagnosticNote("first defined here", at: location(keys[stack[top].keyStart + earlier].mark))],
                fix: "keep one of the two; Kubernetes keeps the last one, other tools the first"))
            return
        }
        keys.append(key)
    }

    private mutating func add(_ node: Node, size: Int, at mark: Mark) {
        guard let top = stack.indices.last else {
            root = node
            return
        }
        stack[top].size += size
        if stack[top].kind == .mapping {
            if stack[top].expectingKey {
                // An alias or collection in key position.
                diagnostics.append(Diagnostic(.unsupportedYAML, "a mapping key must be a plain value, not \(node.shapeName)", at: location(mark), fix: "use a string key"))
                addKey(Scalar(text: "", isPlain: false, mark: mark), frame: top)
                return
            }
            stack[top].expectingKey = true
            if let earlier = stack[top].pendingDuplicate {
                // Keep the last value, as the Kubernetes API server does.
                values[stack[top].valueStart + earlier] = node
                return
            }
        }
        values.append(node)
    }

    /// Position of an earlier key with the same name in this mapping, if any.
    private func duplicateIndex(of key: Scalar, in frame: inout Frame) -> Int? {
        if key.text == "<<" && key.isPlain { return nil }
        let count = keys.count - frame.keyStart
        if frame.keySet == nil && count < 12 {
            for offset in 0..<count where keys[frame.keyStart + offset].text == key.text { return offset }
            return nil
        }
        if frame.keySet == nil { frame.keySet = Set(keys[frame.keyStart...].map(\.text)) }
        if frame.keySet?.insert(key.text).inserted ?? true { return nil }
        return keys[frame.keyStart...].firstIndex { $0.text == key.text }.map { $0 - frame.keyStart }
    }

    /// YAML 1.1 merge keys (`<<: *defaults`), which Kubernetes' YAML reader also honours.
    private static func applyMergeKeys(_ entries: [MappingEntry]) -> [MappingEntry] {
        guard entries.contains(where: { $0.key.text == "<<" && $0.key.isPlain }) else { return entries }
        var result = entries.filter { !($0.key.text == "<<" && $0.key.isPlain) }
        var present = Set(result.map(\.key.text))
        for entry in entries where entry.key.text == "<<" && entry.key.isPlain {
            var sources: [Node] = []
            switch entry.value {
            case .mapping: sources = [entry.value]
            case .sequence(let items, _): sources = items
            case .scalar: break
            }
            for case .mapping(let merged, _) in sources {
                for item in merged where present.insert(item.key.text).inserted { result.append(item) }
            }
        }
        return result
    }
}
