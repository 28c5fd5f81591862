import Foundation
import GatewayIR

/// The bytes of one input with a line index, so that byte offsets turn into line and column late.
/// It also remembers which lines carry secret values (marked by `SensitiveValues` after parsing),
/// so that no rendering of the file ever shows them.
public final class SourceFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset where each line starts; line N (1-based) starts at `lineStarts[N-1]`.
    private let lineStarts: [Int]
    private let sensitiveLines = LockedLineSet()

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    public convenience init(path: String, text: String) { self.init(path: path, bytes: Array(text.utf8)) }

    public var lineCount: Int { lineStarts.count }

    /// 1-based line and character column of a byte offset.
    public func location(ofByteOffset offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        var column = 1
        var index = start
        while index < clamped {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        // A continuation byte at the offset itself belongs to the character already counted.
        if clamped < bytes.count, clamped > start, bytes[clamped] & 0xC0 == 0x80 { column -= 1 }
        return SourceLocation(file: path, line: low + 1, column: column)
    }

    /// Byte offset of a 1-based line and character column, or nil when outside the file.
    public func byteOffset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var offset = lineStarts[line - 1]
        var remaining = column - 1
        while remaining > 0, offset < bytes.count, bytes[offset] != 0x0A {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    /// Marks lines (1-based, inclusive) as carrying a secret value.
    public func markSensitive(_ lines: ClosedRange<Int>) { sensitiveLines.insert(lines) }
    /// Marks every line: used when a file could not be parsed and may hold secrets.
    public func markAllSensitive() { sensitiveLines.insert(1...max(1, lineCount)) }
    public func isSensitive(line: Int) -> Bool { sensitiveLines.contains(line) }

    /// What a diagnostic may show of a line: at most `width` characters around `column` (a
    /// single-line 50 MB scalar must not become a 50 MB snippet), with `…` where text was cut,
    /// and the value part replaced by `SourceExcerpt.redactionMarker` on a sensitive line.
    public func excerpt(line: Int, column: Int, width: Int = 120) -> SourceExcerpt {
        guard line >= 1, line <= lineStarts.count else { return SourceExcerpt(text: "", caretColumn: 1) }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        if isSensitive(line: line) { return SourceExcerpt.redacted(bytes[start..<max(start, end)], column: column) }
        return SourceExcerpt.window(bytes[start..<max(start, end)], column: column, width: width)
    }
}

/// A line as a snippet shows it, and the column of its caret within that text.
public struct SourceExcerpt: Sendable, Hashable {
    public static let redactionMarker = "‹redacted›"
    public var text: String
    public var caretColumn: Int

    /// The key part of a `key: value` line (or the `- ` of a list item) and the marker.
    static func redacted(_ line: ArraySlice<UInt8>, column: Int) -> SourceExcerpt {
        let text = String(decoding: line.prefix(512), as: UTF8.self)
        let prefix = keyPrefix(of: text)
        return SourceExcerpt(text: prefix + redactionMarker, caretColumn: min(max(1, column), prefix.count + 1))
    }

    /// Leading blanks, list dashes and a simple key with its colon: never any part of a value.
    private static func keyPrefix(of text: String) -> String {
        let characters = Array(text)
        var index = 0
        while index < characters.count, characters[index] == " " || characters[index] == "\t" || characters[index] == "-" || characters[index] == "{" || characters[index] == "[" {
            index += 1
        }
        let keyStart = index
        var quote: Character?
        if index < characters.count, characters[index] == "\"" || characters[index] == "'" { quote = characters[index]; index += 1 }
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || "_.-/".contains(characters[index]) { index += 1 }
        if let quote {
            guard index < characters.count, characters[index] == quote else { return String(characters[..<keyStart]) }
            index += 1
        }
        guard index > keyStart, index < characters.count, characters[index] == ":" else { return String(characters[..<keyStart]) }
        return String(characters[...index]) + " "
    }

    /// At most `width` characters of the line, centred on the column when the line is longer.
    static func window(_ line: ArraySlice<UInt8>, column: Int, width: Int) -> SourceExcerpt {
        // Decoding is bounded too: only the bytes around the column are turned into characters.
        let column = max(1, column)
        var characterStarts: [Int] = []
        var offset = line.startIndex
        let firstWanted = max(1, column - width / 2)
        var characterNumber = 1
        while offset < line.endIndex, characterNumber < firstWanted {
            offset += 1
            while offset < line.endIndex, line[offset] & 0xC0 == 0x80 { offset += 1 }
            characterNumber += 1
        }
        let windowStart = offset
        while offset < line.endIndex, characterStarts.count < width {
            characterStarts.append(offset)
            offset += 1
            while offset < line.endIndex, line[offset] & 0xC0 == 0x80 { offset += 1 }
        }
        let cutBefore = windowStart > line.startIndex, cutAfter = offset < line.endIndex
        let body = String(decoding: line[windowStart..<offset], as: UTF8.self)
        let text = (cutBefore ? "…" : "") + body + (cutAfter ? "…" : "")
        return SourceExcerpt(text: text, caretColumn: column - firstWanted + 1 + (cutBefore ? 1 : 0))
    }
}

/// A set of line numbers shared between the loader (which marks) and renderers (which ask).
/// `@unchecked Sendable`: every access holds the lock.
private final class LockedLineSet: @unchecked Sendable {
    private let lock = NSLock()
    private var ranges: [ClosedRange<Int>] = []
    func insert(_ lines: ClosedRange<Int>) {
        lock.lock()
        ranges.append(lines)
        lock.unlock()
    }
    func contains(_ line: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return ranges.contains { $0.contains(line) }
    }
}
