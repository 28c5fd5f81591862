import Foundation

/// A verified route table, read in place. `open(path:)` maps the file; `init(bytes:)` adopts
/// memory. Either way one verification pass (bounds, alignment, overflow-checked offsets,
/// counts, index ranges, string validity, versions, checksum) runs before any other read, and
/// accessors after it read the mapped words directly without decoding anything into objects.
public final class RouteTable: @unchecked Sendable {
    // @unchecked: the storage is immutable after init and released only in deinit.
    let base: UnsafeRawPointer
    public let size: Int
    private let release: () -> Void
    // Filled once by `verify()` during init, read-only afterwards.
    var sectionOffsetsValue = [Int](repeating: 0, count: 32)
    var sectionCountsValue = [Int](repeating: 0, count: 32)
    var sectionLengthsValue = [Int](repeating: 0, count: 32)
    var checksumValue: UInt32 = 0
    var writeVersionValue: UInt16 = 0
    var readVersionValue: UInt16 = 0
    var stringOffsetsBaseValue = 0
    var stringDataBaseValue = 0
    var stringCountValue = 0

    public var checksum: UInt32 { checksumValue }
    public var writeVersion: UInt16 { writeVersionValue }
    public var readVersion: UInt16 { readVersionValue }
    public var stringCount: Int { stringCountValue }

    /// Maps a file read-only and verifies it.
    public static func open(path: String) throws -> RouteTable {
        let descriptor = Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TableError(offset: 0, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw TableError(offset: 0, "cannot stat \(path)") }
        let size = Int(info.st_size)
        guard size >= TableFormat.headerSize else { throw TableError(offset: 0, "file is \(size) bytes, shorter than the \(TableFormat.headerSize)-byte header") }
        guard size <= TableFormat.maxFileSize else { throw TableError(offset: 0, "file is larger than \(TableFormat.maxFileSize) bytes") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw TableError(offset: 0, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        return try RouteTable(base: UnsafeRawPointer(mapped), size: size) { munmap(mapped, size) }
    }

    /// Verifies bytes held in memory (a copy is kept).
    public convenience init(bytes: [UInt8]) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(buffer), byteCount: bytes.count) }
        try self.init(base: UnsafeRawPointer(buffer), size: bytes.count) { buffer.deallocate() }
    }

    private init(base: UnsafeRawPointer, size: Int, release: @escaping () -> Void) throws {
        self.base = base
        self.size = size
        self.release = release
        // When verify() throws, Swift still runs deinit (every stored property is set), which
        // releases the memory; releasing here as well would free it twice.
        try verify()
    }

    deinit { release() }

    // MARK: Raw reads (valid only inside verified bounds)

    @inline(__always) func u16(at offset: Int) -> UInt16 { UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    @inline(__always) func u32(at offset: Int) -> UInt32 { UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    @inline(__always) func u64(at offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }

    /// Number of records of a section.
    public func count(_ section: TableSection) -> Int {
        section == .strings ? stringCountValue : sectionCountsValue[Int(section.rawValue)]
    }

    /// One word of one record. `record` must be below `count(section)`, which the callers ensure
    /// from verified indices.
    @inline(__always) public func word(_ section: TableSection, _ record: Int, _ field: Int) -> UInt32 {
        u32(at: sectionOffsetsValue[Int(section.rawValue)] + (record * section.recordWords + field) * 4)
    }

    /// The bytes of string `id` (verified to be UTF-8 and inside the section).
    public func stringBytes(_ id: UInt32) -> UnsafeRawBufferPointer {
        let index = Int(id)
        let start = Int(u32(at: stringOffsetsBaseValue + index * 4)), end = Int(u32(at: stringOffsetsBaseValue + (index + 1) * 4))
        return UnsafeRawBufferPointer(start: base + stringDataBaseValue + start, count: end - start)
    }

    public func string(_ id: UInt32) -> String {
        String(decoding: stringBytes(id), as: UTF8.self)
    }

    public func optionalString(_ id: UInt32) -> String? { id == TableFormat.none ? nil : string(id) }

    /// Byte order comparison of a stored string with other bytes, for binary searches.
    func compare(_ id: UInt32, _ other: UnsafeRawBufferPointer) -> Int {
        let stored = stringBytes(id)
        let common = min(stored.count, other.count)
        if common > 0, let a = stored.baseAddress, let b = other.baseAddress {
            let result = memcmp(a, b, common)
            if result != 0 { return Int(result) }
        }
        return stored.count - other.count
    }

    public func sectionInfo(_ section: TableSection) -> (offset: Int, length: Int) {
        (sectionOffsetsValue[Int(section.rawValue)], sectionLengthsValue[Int(section.rawValue)])
    }

    /// The whole file, for checksumming by tools.
    public var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }
}
