import CJansson
import NIOCore

/// A reference-counted jansson value. Bodies are parsed once into these; translation moves
/// values between trees by reference (jansson counts them), so a prompt or an image is never
/// copied on its way from the client's body to the provider's.
public final class JSONNode: @unchecked Sendable {
    // @unchecked: a node is owned by one request at a time; jansson's counting is not atomic,
    // so nodes are never shared across tasks.
    let raw: UnsafeMutablePointer<json_t>

    /// Takes ownership of a new reference.
    init(owning raw: UnsafeMutablePointer<json_t>) { self.raw = raw }

    /// Adds a reference to a borrowed value.
    init(borrowing raw: UnsafeMutablePointer<json_t>) {
        self.raw = raw
        json_incref(raw)
    }

    deinit { json_decref(raw) }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var position: Int
        public var description: String { "\(message) at byte \(position)" }
    }

    /// Parses a body. Duplicate keys and trailing bytes are errors, as a strict server must treat them.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONNode {
        var error = json_error_t()
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
              let value = json_loadb(base, bytes.count, Int(JSON_REJECT_DUPLICATES), &error) else {
            let text = withUnsafeBytes(of: error.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ParseError(message: bytes.isEmpty ? "empty body" : text, position: Int(error.position))
        }
        return JSONNode(owning: value)
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONNode {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    public static func parse(_ text: String) throws -> JSONNode { try parse(Array(text.utf8)) }

    /// Parses a body in place, as the server received it.
    public static func parse(_ buffer: ByteBuffer) throws -> JSONNode {
        try buffer.withUnsafeReadableBytes { try parse($0) }
    }

    // MARK: Builders

    public static func object() -> JSONNode { JSONNode(owning: json_object()) }
    public static func array() -> JSONNode { JSONNode(owning: json_array()) }
    public static func string(_ text: String) -> JSONNode { text.withCString { JSONNode(owning: json_stringn($0, text.utf8.count)) } }
    public static func integer(_ value: Int) -> JSONNode { JSONNode(owning: json_integer(json_int_t(value))) }
    public static func real(_ value: Double) -> JSONNode { JSONNode(owning: json_real(value)) }
    public static func bool(_ value: Bool) -> JSONNode { JSONNode(owning: value ? json_true() : json_false()) }
    public static func null() -> JSONNode { JSONNode(owning: json_null()) }

    // MARK: Reading

    public var isObject: Bool { raw.pointee.type == JSON_OBJECT }
    public var isArray: Bool { raw.pointee.type == JSON_ARRAY }
    public var isString: Bool { raw.pointee.type == JSON_STRING }
    public var isNull: Bool { raw.pointee.type == JSON_NULL }
    public var isNumber: Bool { raw.pointee.type == JSON_INTEGER || raw.pointee.type == JSON_REAL }

    public subscript(key: String) -> JSONNode? {
        guard isObject, let value = json_object_get(raw, key) else { return nil }
        return JSONNode(borrowing: value)
    }

    public var string: String? {
        guard isString, let text = json_string_value(raw) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: json_string_length(raw)), as: UTF8.self)
    }

    public var int: Int? {
        switch raw.pointee.type {
        case JSON_INTEGER: Int(json_integer_value(raw))
        case JSON_REAL: Int(exactly: json_real_value(raw))
        default: nil
        }
    }

    public var double: Double? { isNumber ? json_number_value(raw) : nil }

    public var bool: Bool? {
        switch raw.pointee.type {
        case JSON_TRUE: true
        case JSON_FALSE: false
        default: nil
        }
    }

    public var elements: [JSONNode] {
        guard isArray else { return [] }
        return (0..<json_array_size(raw)).compactMap { json_array_get(raw, $0).map { JSONNode(borrowing: $0) } }
    }

    public var keys: [String] {
        guard isObject else { return [] }
        var result: [String] = []
        var iterator = json_object_iter(raw)
        while let current = iterator {
            if let key = json_object_iter_key(current) { result.append(String(cString: key)) }
            iterator = json_object_iter_next(raw, current)
        }
        return result
    }

    // MARK: Writing

    /// Sets a member (the value is shared, not copied).
    public func set(_ key: String, _ value: JSONNode) { json_object_set(raw, key, value.raw) }
    public func set(_ key: String, _ text: String) { set(key, .string(text)) }
    public func set(_ key: String, _ value: Int) { set(key, .integer(value)) }
    public func remove(_ key: String) { json_object_del(raw, key) }
    /// A new object or array with the same members (shared, not copied): for changes at the top level.
    public func shallowCopy() -> JSONNode { json_copy(raw).map { JSONNode(owning: $0) } ?? .null() }
    /// Replaces a string node's text in place: the node stays where it is in its parent.
    public func replaceString(_ text: String) { text.withCString { _ = json_string_setn(raw, $0, text.utf8.count) } }
    public func append(_ value: JSONNode) { json_array_append(raw, value.raw) }
    public var count: Int { isArray ? json_array_size(raw) : isObject ? json_object_size(raw) : 0 }

    /// Deep equality, ignoring object member order.
    public func equals(_ other: JSONNode) -> Bool { json_equal(raw, other.raw) == 1 }

    /// Compact serialisation, member order kept.
    public func serialized() -> [UInt8] {
        let buffer = serializedBuffer()
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }

    /// Jansson's dump straight into a buffer: two passes in C cost less than one with a Swift
    /// callback per piece (a request's body is dumped in hundreds of pieces).
    private static let dumpFlags = Int(JSON_COMPACT) | Int(JSON_PRESERVE_ORDER) | Int(JSON_ENCODE_ANY) | realPrecision

    public var text: String { String(decoding: serialized(), as: UTF8.self) }

    /// Compact serialisation straight into a buffer ready to send. One pass into a buffer of a
    /// guessed size, a second only when the value is larger (`json_dumpb` says how large it is).
    /// The default guess stays within malloc's per-thread cache (larger requests take its slow path).
    public func serializedBuffer(sizeGuess: Int = 1024) -> ByteBuffer {
        let (raw, flags) = (raw, Self.dumpFlags)
        /// Dumps into the buffer's writable bytes; the size the value needs, written only if it fit.
        func dump(into buffer: inout ByteBuffer, capacity: Int) -> Int {
            var needed = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { pointer in
                needed = pointer.baseAddress.map { base in base.withMemoryRebound(to: CChar.self, capacity: pointer.count) { json_dumpb(raw, $0, pointer.count, flags) } } ?? 0
                return needed <= pointer.count ? needed : 0
            }
            return needed
        }
        var buffer = ByteBufferAllocator().buffer(capacity: sizeGuess)
        let needed = dump(into: &buffer, capacity: sizeGuess)
        guard needed > buffer.readableBytes else { return buffer }
        buffer.clear(minimumCapacity: needed)
        _ = dump(into: &buffer, capacity: needed)
        return buffer
    }

    /// JSON_REAL_PRECISION(15) (a C macro Swift cannot import): 0.7 is written `0.7`, not
    /// `0.69999999999999996`.
    private static let realPrecision = (15 & 0x1F) << 11
}
