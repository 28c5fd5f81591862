/// Serialises a `TableModel`: header, section directory, then each section 8-byte aligned,
/// little-endian, padding zeroed, and the CRC-32C of the whole file in the header.
public enum TableWriter {
    /// The oldest reader that can read `model`: version 5 widened the provider records, so every
    /// table needs a version 5 reader (which refuses older tables: they are rebuilt).
    static func readVersion(of model: TableModel) -> UInt16 { TableFormat.readVersion }

    public static func bytes(of model: TableModel) -> [UInt8] {
        var payloads: [(TableSection, [UInt8])] = []
        payloads.append((.strings, stringSection(model.strings)))
        for section in TableSection.allCases where section != .strings {
            var bytes: [UInt8] = []
            let words = model.sections[section] ?? []
            bytes.reserveCapacity(words.count * 4)
            for word in words { appendLE(word, to: &bytes) }
            payloads.append((section, bytes))
        }
        let directoryStart = TableFormat.headerSize
        var offset = align8(directoryStart + payloads.count * TableFormat.directoryEntrySize)
        var directory: [UInt8] = []
        var body: [UInt8] = []
        for (section, payload) in payloads {
            appendLE(section.rawValue, to: &directory)
            appendLE(UInt32(0), to: &directory)  // flags, reserved
            appendLE(UInt32(offset), to: &directory)
            appendLE(UInt32(payload.count), to: &directory)
            body.append(contentsOf: payload)
            let padded = align8(payload.count)
            body.append(contentsOf: [UInt8](repeating: 0, count: padded - payload.count))
            offset += padded
        }
        var file = [UInt8](repeating: 0, count: TableFormat.headerSize)
        file.replaceSubrange(0..<16, with: TableFormat.magic)
        write16(TableFormat.writeVersion, at: TableFormat.Header.writeVersion, in: &file)
        write16(readVersion(of: model), at: TableFormat.Header.readVersion, in: &file)
        write32(UInt32(TableFormat.headerSize), at: TableFormat.Header.headerSize, in: &file)
        write32(UInt32(payloads.count), at: TableFormat.Header.sectionCount, in: &file)
        write32(TableFormat.checksumCRC32C, at: TableFormat.Header.checksumAlgorithm, in: &file)
        file.append(contentsOf: directory)
        file.append(contentsOf: [UInt8](repeating: 0, count: align8(file.count) - file.count))
        file.append(contentsOf: body)
        write64(UInt64(file.count), at: TableFormat.Header.fileSize, in: &file)
        write32(CRC32C.checksum(file), at: TableFormat.Header.checksum, in: &file)
        return file
    }

    /// `count`, then `count + 1` offsets (relative to the byte data), then the UTF-8 bytes.
    private static func stringSection(_ strings: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLE(UInt32(strings.count), to: &bytes)
        var offset: UInt32 = 0
        var data: [UInt8] = []
        for string in strings {
            appendLE(offset, to: &bytes)
            data.append(contentsOf: string.utf8)
            offset = UInt32(data.count)
        }
        appendLE(offset, to: &bytes)
        return bytes + data
    }

    static func align8(_ value: Int) -> Int { (value + 7) & ~7 }

    private static func appendLE(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value & 0xFF))
        bytes.append(UInt8((value >> 8) & 0xFF))
        bytes.append(UInt8((value >> 16) & 0xFF))
        bytes.append(UInt8(value >> 24))
    }

    private static func write16(_ value: UInt16, at offset: Int, in bytes: inout [UInt8]) {
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8(value >> 8)
    }

    private static func write32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<4 { bytes[offset + index] = UInt8((value >> (8 * UInt32(index))) & 0xFF) }
    }

    private static func write64(_ value: UInt64, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<8 { bytes[offset + index] = UInt8((value >> (8 * UInt64(index))) & 0xFF) }
    }
}
