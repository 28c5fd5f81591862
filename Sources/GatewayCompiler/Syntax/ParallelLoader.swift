import Foundation
import GatewayIR

/// Parses and decodes several files at once, one per core: files are independent until their
/// objects are indexed, and parsing plus decoding is most of gwc's time on a large corpus.
/// Results keep the input order, so output does not depend on scheduling.
enum ParallelLoader {
    /// Loads and decodes each file on its own, then merges the results in file order.
    static func decode(_ files: [SourceFile], defaultNamespace: String, limits: LoadLimits = .standard) -> DecodeResult {
        let slots = DecodeSlots(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let loaded = SourceLoader(limits: limits).load(files[index])
            SensitiveValues.mark(loaded.documents, diagnostics: loaded.diagnostics, in: files[index])
            var decoded = ManifestDecoder.decode(loaded.documents, defaultNamespace: defaultNamespace)
            decoded.diagnostics.insert(contentsOf: loaded.diagnostics, at: 0)
            slots.store(decoded, at: index)
        }
        var merged = DecodeResult()
        for part in slots.values() { merged.merge(part) }
        return merged
    }

    /// Write-once result slots. `@unchecked Sendable` because every access holds the lock.
    private final class DecodeSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [DecodeResult]
        init(count: Int) { slots = Array(repeating: DecodeResult(), count: count) }
        func store(_ value: DecodeResult, at index: Int) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }
        func values() -> [DecodeResult] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }
}
