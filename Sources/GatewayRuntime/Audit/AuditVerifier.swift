import Foundation

/// Checks audit files: each line's `prev` is the SHA-256 of the line before it, `seq` counts up
/// by one, and each file's header continues the chain of the file before (by its number). A
/// finding names the file and line and says what happened there: a line edited, records missing
/// (deleted), lines reordered or inserted, a file missing between two others, a torn last line.
public enum AuditVerifier {
    public struct Finding: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var isError: Bool
        public var message: String
        public var description: String { "\(file):\(line): \(isError ? "error" : "warning"): \(message)" }
    }

    public struct Report: Sendable {
        public var findings: [Finding] = []
        public var files = 0
        public var records = 0
        public var hasErrors: Bool { findings.contains { $0.isError } }
        public var summary: String {
            let errors = findings.filter(\.isError).count, warnings = findings.count - errors
            return "\(files) file\(files == 1 ? "" : "s"), \(records) records: " + (errors == 0 ? "the chain is complete and unedited" : "\(errors) error\(errors == 1 ? "" : "s")") + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")
        }
    }

    struct Line {
        var bytes: ArraySlice<UInt8>
        var number: Int
        var object: [String: Any]?
    }

    struct File {
        var path: String
        var lines: [Line]
        var torn: ArraySlice<UInt8>?
        var number: Int?
    }

    public static func verify(paths: [String]) -> Report {
        var report = Report()
        var files: [File] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                report.findings.append(Finding(file: path, line: 0, isError: true, message: "cannot be read"))
                continue
            }
            let bytes = [UInt8](data)
            var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            var torn: ArraySlice<UInt8>?
            if let last = pieces.last { if last.isEmpty { pieces.removeLast() } else { torn = pieces.removeLast() } }
            let lines = pieces.enumerated().map { Line(bytes: $0.element, number: $0.offset + 1, object: try? JSONSerialization.jsonObject(with: Data($0.element)) as? [String: Any]) }
            let header = lines.first?.object
            let number = header?["type"] as? String == "file" ? (header?["file"] as? NSNumber)?.intValue : nil
            files.append(File(path: path, lines: lines, torn: torn, number: number))
        }
        files.sort { ($0.number ?? Int.max, $0.path) < ($1.number ?? Int.max, $1.path) }
        report.files = files.count
        // File-level checks first, then every line of every file as one chain.
        var entries: [(file: String, line: Line)] = []
        var previousFileNumber: Int?
        for file in files {
            guard !file.lines.isEmpty else {
                report.findings.append(Finding(file: file.path, line: 1, isError: true, message: "empty: not an audit file, or cut to nothing"))
                continue
            }
            if file.number == nil {
                report.findings.append(Finding(file: file.path, line: 1, isError: true, message: "the first line is not an audit file header: the file was cut at its start or is not an audit log"))
            }
            if let number = file.number, let before = previousFileNumber, number != before + 1 {
                report.findings.append(Finding(file: file.path, line: 1, isError: true, message: "file \(number) follows file \(before): \(number - before - 1) file(s) between them are missing"))
            }
            previousFileNumber = file.number ?? previousFileNumber
            entries += file.lines.map { (file.path, $0) }
            report.records += file.lines.count - 1
            if let torn = file.torn {
                report.findings.append(Finding(file: file.path, line: file.lines.count + 1, isError: false,
                    message: "torn last line (\(torn.count) bytes, no newline): gwrun stopped while writing it, before its request was answered"))
            }
        }
        checkChain(entries, into: &report)
        report.findings.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        return report
    }

    /// Walks the chain with one line of lookahead, so that each break is named for what it is:
    /// an edited line, a swapped pair, an inserted line, deleted records.
    static func checkChain(_ entries: [(file: String, line: Line)], into report: inout Report) {
        func seq(_ index: Int) -> Int? { (entries[index].line.object?["seq"] as? NSNumber)?.intValue }
        func prev(_ index: Int) -> String? { entries[index].line.object?["prev"] as? String }
        func hash(_ index: Int) -> String { AuditChain.hash(entries[index].line.bytes) }
        func name(_ index: Int, from other: Int) -> String {
            entries[index].file == entries[other].file ? "line \(entries[index].line.number)" : "\(entries[index].file):\(entries[index].line.number)"
        }
        func error(_ index: Int, _ message: String) {
            report.findings.append(Finding(file: entries[index].file, line: entries[index].line.number, isError: true, message: message))
        }
        guard !entries.isEmpty else { return }
        if let first = prev(0), first != AuditChain.origin {
            report.findings.append(Finding(file: entries[0].file, line: 1, isError: false, message: "the chain starts here, after earlier files not given"))
        }
        var last = 0  // the last line accepted into the chain
        var index = 1
        while index < entries.count {
            guard let current = seq(index), let currentPrev = prev(index), let lastSeq = seq(last) else {
                error(index, "not an audit record (not JSON, or no seq and prev): edited or corrupted")
                last = index
                index += 1
                continue
            }
            let next = index + 1 < entries.count ? index + 1 : nil
            if current == lastSeq + 1 {
                if currentPrev != hash(last) {
                    if let next, prev(next) == hash(last), seq(next) == lastSeq + 1 {
                        error(index, "this line was inserted: it breaks the chain, and the line after it follows \(name(last, from: index))")
                        index += 1
                        continue
                    }
                    error(last, "this line was edited: its SHA-256 is not the prev that \(name(index, from: last)) records")
                }
            } else if current == lastSeq + 2, let next, seq(next) == lastSeq + 1, prev(next) == hash(last) {
                error(index, "this line and the next are swapped: seq \(current) comes before seq \(lastSeq + 1)")
                last = index
                index += 2
                continue
            } else if current > lastSeq + 1 {
                let missing = current - lastSeq - 1
                error(index, "\(missing) record\(missing == 1 ? "" : "s") missing before this line: seq jumps from \(lastSeq) (\(name(last, from: index))) to \(current) (deleted)")
            } else if let next, prev(next) == hash(last), seq(next) == lastSeq + 1 {
                error(index, "this line was inserted: it breaks the chain, and the line after it follows \(name(last, from: index))")
                index += 1
                continue
            } else {
                error(index, "seq \(current) comes after seq \(lastSeq) (\(name(last, from: index))): lines reordered, or this line inserted")
            }
            last = index
            index += 1
        }
    }
}
