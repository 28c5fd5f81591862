import Foundation

/// Writes a table so that a reader never sees half of it: a temporary file in the same
/// directory, fsync, then rename over the destination.
public enum TableFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw TableError(offset: 0, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                guard let base = raw.baseAddress else { return true }
                let result = Foundation.write(descriptor, base + written, raw.count - written)
                if result <= 0 { return false }
                written += result
            }
            return true
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard ok, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TableError(offset: written, "cannot write \(path): \(reason)")
        }
    }

    /// Whether a path is a regular file that starts with the table magic. Directories, missing
    /// files and short files are not tables.
    public static func looksLikeTable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: TableFormat.magic.count)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count == head.count && head == TableFormat.magic
    }
}
