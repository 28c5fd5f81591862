import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The audit log (`--audit-log FILE`): records are chained (each line carries the SHA-256 of the
/// line before) and written by one thread with group commit: it takes every record waiting,
/// writes them in one write and makes them durable with one fsync, then tells each request, whose
/// answer's last byte waits for it. So a record is on disk before its client has the whole answer,
/// and concurrent requests share the fsync. Past `maxBytes` the file is rotated to
/// `FILE.<number>` and a new one starts with a header line that continues the chain.
///
/// With `syncInterval` (`--audit-sync-interval`), a request waits for its record's write only:
/// the record is in the kernel's page cache before the answer's last byte leaves, so a killed
/// gwrun loses none, and the file is fsynced at most that long after (a machine that loses power
/// may lose that much), as auditd's `flush = INCREMENTAL_ASYNC` does.
public final class AuditLog: @unchecked Sendable {
    // @unchecked: the queue and the file state are touched under `condition` (requests enqueue)
    // or by the writer thread alone (file, chain), never both.
    struct Pending {
        var record: AuditRecord
        var done: @Sendable (Bool) -> Void
    }

    public struct Stats: Sendable {
        public var records = 0
        public var commits = 0
        public var failures = 0
        /// Interval mode: fsyncs that failed (the records stay written, and are synced again).
        public var syncFailures = 0
        public var syncs = 0
    }

    public let path: String
    let maxBytes: Int
    /// nil: fsync each commit before its requests are told; else at most this long after a write.
    let syncInterval: TimeInterval?
    /// Written and not yet fsynced (interval mode), and when the last fsync was.
    private var unsynced = false
    private var lastSync = Date()
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var stopping = false
    private var stopped = false
    private var handle: FileHandle
    private var size: Int
    private var seq: Int
    private var lastHash: String
    private var fileNumber: Int
    private let statsBox = NIOLockedValueBox(Stats())
    private var thread: Thread?

    public var stats: Stats { statsBox.withLockedValue { $0 } }
    /// Told of every commit (records written, records failed), on the writer thread: metrics.
    let onCommit: (@Sendable (Int, Int) -> Void)?

    /// Opens `path` to append, continuing its chain; a file that ends in a torn line (the process
    /// was killed while writing it) is rotated away as it is, and the new file's header says so.
    public init(path: String, maxBytes: Int = 64 << 20, syncInterval: TimeInterval? = nil, onCommit: (@Sendable (Int, Int) -> Void)? = nil) throws {
        self.path = path
        self.syncInterval = syncInterval
        self.onCommit = onCommit
        self.maxBytes = maxBytes
        let state = try AuditFileState.recover(path: path)
        seq = state.seq
        lastHash = state.lastHash
        fileNumber = state.fileNumber
        var note: String?
        if state.tornBytes > 0 {
            try Self.rotate(path: path, number: state.fileNumber)
            fileNumber += 1
            note = "the file before ends in a torn line of \(state.tornBytes) bytes, written when gwrun was stopped; the chain continues from its last whole record"
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw AuditError(description: "cannot create the audit log \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw AuditError(description: "cannot open the audit log \(path) for writing") }
        self.handle = handle
        size = Int((try? handle.seekToEnd()) ?? 0)
        if size == 0 {
            seq += 1
            if fileNumber == 0 { fileNumber = 1 }
            let header = AuditChain.header(seq: seq, previous: lastHash, fileNumber: fileNumber, time: Date(), note: note)
            try handle.write(contentsOf: header + [0x0A])
            try handle.synchronize()
            lastHash = AuditChain.hash(header)
            size = header.count + 1
        }
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "gwrun-audit"
        self.thread = thread
        thread.start()
    }

    /// Queues `record`; `done` runs on the writer thread once it is on disk (true) or could not be written (false).
    public func append(_ record: AuditRecord, done: @escaping @Sendable (Bool) -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            return done(false)
        }
        queue.append(Pending(record: record, done: done))
        condition.signal()
        condition.unlock()
    }

    /// Queues `record`; the future succeeds on `eventLoop` once it is on disk.
    public func append(_ record: AuditRecord, on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
        let promise = eventLoop.makePromise(of: Bool.self)
        append(record) { promise.succeed($0) }
        return promise.futureResult
    }

    public func append(_ record: AuditRecord) async -> Bool {
        await withCheckedContinuation { continuation in append(record) { continuation.resume(returning: $0) } }
    }

    /// Writes what is queued and stops (SIGTERM): every record appended before is on disk after it.
    public func close() {
        condition.lock()
        stopping = true
        condition.signal()
        while !stopped { condition.wait() }
        condition.unlock()
        try? handle.close()
    }

    private func run() {
        while true {
            condition.lock()
            // Under load the next record comes within microseconds: yield a few times before
            // sleeping, since a sleeping writer woken on a busy machine waits for a time slice.
            var spins = 0
            while queue.isEmpty && !stopping && spins < 20 {
                condition.unlock()
                sched_yield()
                spins += 1
                condition.lock()
            }
            while queue.isEmpty && !stopping {
                guard unsynced, let syncInterval else {
                    condition.wait()
                    continue
                }
                // Interval mode: what was written is fsynced by its deadline, also when no record follows.
                if !condition.wait(until: lastSync.addingTimeInterval(syncInterval)) {
                    condition.unlock()
                    sync()
                    condition.lock()
                }
            }
            let batch = queue
            queue = []
            let finished = stopping && batch.isEmpty
            condition.unlock()
            if finished { break }
            commit(batch)
        }
        if unsynced { sync() }
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// One write and one fsync for the whole batch.
    private func commit(_ batch: [Pending]) {
        var bytes: [UInt8] = []
        var chainSeq = seq, chainHash = lastHash
        for pending in batch {
            chainSeq += 1
            let line = pending.record.line(seq: chainSeq, previous: chainHash)
            chainHash = AuditChain.hash(line)
            bytes += line
            bytes.append(0x0A)
        }
        do {
            try handle.write(contentsOf: bytes)
            if syncInterval != nil { unsynced = true } else { try handle.synchronize() }
            seq = chainSeq
            lastHash = chainHash
            size += bytes.count
            statsBox.withLockedValue { $0.records += batch.count; $0.commits += 1 }
            onCommit?(batch.count, 0)
            for pending in batch { pending.done(true) }
            // Interval mode: the requests were told at the write; the fsync comes after, on time.
            if let syncInterval, Date().timeIntervalSince(lastSync) >= syncInterval { sync() }
        } catch {
            statsBox.withLockedValue { $0.failures += batch.count }
            onCommit?(0, batch.count)
            for pending in batch { pending.done(false) }
            return
        }
        if size >= maxBytes { rotateNow() }
    }

    /// Interval mode's fsync; a failure is counted and tried again at the next interval.
    private func sync() {
        lastSync = Date()
        do {
            try handle.synchronize()
            unsynced = false
            statsBox.withLockedValue { $0.syncs += 1 }
        } catch {
            statsBox.withLockedValue { $0.syncFailures += 1 }
        }
    }

    private func rotateNow() {
        if unsynced { sync() }
        do {
            try handle.close()
            try Self.rotate(path: path, number: fileNumber)
            fileNumber += 1
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]), let next = FileHandle(forWritingAtPath: path) else {
                throw AuditError(description: "cannot create \(path)")
            }
            handle = next
            seq += 1
            let header = AuditChain.header(seq: seq, previous: lastHash, fileNumber: fileNumber, time: Date())
            try handle.write(contentsOf: header + [0x0A])
            try handle.synchronize()
            lastHash = AuditChain.hash(header)
            size = header.count + 1
        } catch {
            statsBox.withLockedValue { $0.failures += 1 }
        }
    }

    /// `path` becomes `path.NNNNNN` (its file number), so names sort in chain order.
    static func rotate(path: String, number: Int) throws {
        try FileManager.default.moveItem(atPath: path, toPath: path + "." + String(format: "%06d", number))
    }
}

public struct AuditError: Error, CustomStringConvertible {
    public var description: String
}
