import Dispatch
import Foundation

/// Triggers a reload on SIGHUP, and when the table file is replaced (a new inode, size or
/// modification time, checked every second: `gwc build` renames a new file into place).
public final class TableWatcher: @unchecked Sendable {
    // @unchecked: every field is touched only on `queue`.
    private let queue = DispatchQueue(label: "gwrun.table-watcher")
    private let path: String
    private let reload: @Sendable () -> Void
    private var signalSource: (any DispatchSourceSignal)?
    private var timer: (any DispatchSourceTimer)?
    private var lastSeen: (inode: UInt64, size: Int64, mtime: Int)?

    public init(path: String, reload: @escaping @Sendable () -> Void) {
        self.path = path
        self.reload = reload
    }

    public func start() {
        queue.sync {
            lastSeen = fingerprint()
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            source.setEventHandler { [weak self] in
                self?.lastSeen = self?.fingerprint()
                self?.reload()
            }
            source.resume()
            signalSource = source
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [weak self] in self?.poll() }
            timer.resume()
            self.timer = timer
        }
    }

    /// Stops watching (also keeps the watcher alive until called).
    public func stop() {
        queue.sync {
            signalSource?.cancel()
            timer?.cancel()
        }
    }

    private func poll() {
        let now = fingerprint()
        guard let now, let last = lastSeen else { lastSeen = fingerprint(); return }
        if now != last {
            lastSeen = now
            reload()
        }
    }

    private func fingerprint() -> (inode: UInt64, size: Int64, mtime: Int)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date).map { Int($0.timeIntervalSince1970 * 1_000_000_000) } ?? 0
        return (inode, size, modified)
    }
}
