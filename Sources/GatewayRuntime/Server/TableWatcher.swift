import Dispatch
import Foundation

/// Triggers a reload on SIGHUP, when the table file is replaced (a new inode, size or
/// modification time, checked every second: `gwc build` renames a new file into place), and when
/// a secret file the served snapshot read changes or disappears: Vault Agent rewrites files in
/// place, Kubernetes and the Secrets Store CSI driver swap a `..data` link (the resolved path changes).
public final class TableWatcher: @unchecked Sendable {
    // @unchecked: every field is touched only on `queue`.
    private let queue = DispatchQueue(label: "gwrun.table-watcher")
    private let path: String
    private let reload: @Sendable (String) -> Void
    private let secretFiles: @Sendable () -> [String]
    private var signalSource: (any DispatchSourceSignal)?
    private var timer: (any DispatchSourceTimer)?
    private var lastSeen: Fingerprint?
    private var lastSecrets: [String: Fingerprint?] = [:]

    struct Fingerprint: Equatable {
        var resolved: String
        var inode: UInt64
        var size: Int64
        var mtime: Int
    }

    /// `reload` gets the reason (`SIGHUP`, `table changed`, `secret files changed: ...`).
    public init(path: String, secretFiles: @escaping @Sendable () -> [String] = { [] }, reload: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.secretFiles = secretFiles
        self.reload = reload
    }

    public func start() {
        queue.sync {
            lastSeen = Self.fingerprint(path)
            lastSecrets = secretFingerprints()
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lastSeen = Self.fingerprint(self.path)
                self.reload("SIGHUP")
                self.lastSecrets = self.secretFingerprints()
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
        let now = Self.fingerprint(path)
        guard let now, let last = lastSeen else { lastSeen = Self.fingerprint(path); return }
        if now != last {
            lastSeen = now
            reload("table changed")
            lastSecrets = secretFingerprints()
            return
        }
        // The files the snapshot now served read (after a reload, the new snapshot's).
        let secrets = secretFingerprints()
        let changed = secrets.keys.filter { secrets[$0] != lastSecrets[$0] }.sorted()
        guard !changed.isEmpty else { return }
        reload("secret files changed: \(changed.prefix(3).joined(separator: ", "))\(changed.count > 3 ? ", ..." : "")")
        // The files of what is served now (a refused reload keeps the old snapshot's list, so a
        // file still missing is not retried every second: only a change is).
        lastSecrets = secretFingerprints()
    }

    private func secretFingerprints() -> [String: Fingerprint?] {
        Dictionary(secretFiles().map { ($0, Self.fingerprint($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// A file's identity after links are followed; a folder (a whole Secret) by its entries' too.
    static func fingerprint(_ path: String) -> Fingerprint? {
        guard let resolvedC = realpath(path, nil) else { return nil }
        let resolved = String(cString: resolvedC)
        free(resolvedC)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return nil }
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        var modified = (attributes[.modificationDate] as? Date).map { Int($0.timeIntervalSince1970 * 1_000_000_000) } ?? 0
        if attributes[.type] as? FileAttributeType == .typeDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: resolved) {
            for name in names.sorted() where !name.hasPrefix("..") {
                if let entry = fingerprint(resolved + "/" + name) { modified = modified &* 31 &+ entry.mtime &+ Int(entry.size) &+ entry.resolved.hashValue }
            }
        }
        return Fingerprint(resolved: resolved, inode: inode, size: size, mtime: modified)
    }
}
