import Foundation

/// Where an existing audit file's chain stands, read when gwrun starts: the last whole line's
/// `seq` and hash, the file's number (its header's), and how many bytes of a torn last line follow.
struct AuditFileState {
    var seq = 0
    var lastHash = AuditChain.origin
    var fileNumber = 0
    var tornBytes = 0

    static func recover(path: String) throws -> AuditFileState {
        var state = AuditFileState()
        // The newest rotated file links the chain when the current file is missing.
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let rotated = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(base + ".") && Int($0.dropFirst(base.count + 1)) != nil }.sorted()
        let current = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        let fromRotated = current.isEmpty
        let bytes = fromRotated ? rotated.last.flatMap { FileManager.default.contents(atPath: directory + "/" + $0) }.map { [UInt8]($0) } ?? [] : current
        guard !bytes.isEmpty else {
            state.fileNumber = rotated.last.flatMap { Int($0.dropFirst(base.count + 1)) } ?? 0
            return state
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last != 0x0A, let torn = lines.popLast() { state.tornBytes = torn.count } else if lines.last?.isEmpty == true { lines.removeLast() }
        if let first = lines.first, let number = AuditLine.int(first, "file") { state.fileNumber = number }
        if let last = lines.last {
            state.lastHash = AuditChain.hash(last)
            state.seq = AuditLine.int(last, "seq") ?? 0
        }
        if fromRotated {
            // The current file is new: it continues after the rotated one (whose tail was checked when it was rotated).
            state.fileNumber += 1
            state.tornBytes = 0
        }
        return state
    }
}

/// Reading fields back from a line gwrun wrote (the verifier parses lines fully with JSONSerialization).
enum AuditLine {
    static func int(_ line: some Collection<UInt8>, _ key: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
        return (object[key] as? NSNumber)?.intValue
    }
}
