import Foundation
import NIOCore
import Testing
@testable import GatewayRuntime

/// The audit log's chain, group commit, rotation and recovery, and the verifier naming each kind
/// of tampering, on files in a temporary folder.
@Suite("Audit log")
struct AuditTests {
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "gwrun-audit-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ id: String, status: Int = 200) -> AuditRecord {
        var access = AccessRecord()
        access.requestID = id
        access.listener = "http"
        access.route = "default/chat"
        access.client = "team-a"
        access.verdicts = [.init(stage: "authentication", policy: "default/keys", verdict: "accepted api-key")]
        return AuditRecord(request: IncomingRequest(method: "POST", target: "/v1/chat/completions", headers: [], body: .init(), listenerPort: 8080),
                           record: access, status: status, latencyMilliseconds: 1.5, tableChecksum: 0xABCD)
    }

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
    }

    @Test func concurrentRecordsShareFsyncsAndTheChainVerifies() async throws {
        let folder = Self.folder()
        let log = try AuditLog(path: folder + "/audit.jsonl")
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 { group.addTask { await log.append(Self.record("r\(index)")) } }
            for await written in group { #expect(written) }
        }
        log.close()
        #expect(log.stats.records == 200)
        #expect(log.stats.commits < 200, "group commit: \(log.stats.commits) fsyncs for 200 records")
        let report = AuditVerifier.verify(paths: Self.files(folder))
        #expect(!report.hasErrors && report.records == 200, "\(report.findings)")
        let lines = try String(contentsOfFile: folder + "/audit.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 201 && lines[0].contains("\"type\":\"file\""))
        #expect(!lines.joined().contains("sk-"), "no credential")
    }

    @Test func aSyncIntervalWritesBeforeTellingAndFsyncsLaterEvenWhenIdle() async throws {
        let folder = Self.folder()
        let log = try AuditLog(path: folder + "/audit.jsonl", syncInterval: 0.05)
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 { group.addTask { await log.append(Self.record("r\(index)")) } }
            for await written in group { #expect(written) }
        }
        // Told once written: every record is in the file already, before any fsync is due.
        let written = try String(contentsOfFile: folder + "/audit.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(written.count == 51)
        // With no record after, the writer still fsyncs within the interval.
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(log.stats.syncs >= 1)
        log.close()
        #expect(log.stats.records == 50)
        let report = AuditVerifier.verify(paths: Self.files(folder))
        #expect(!report.hasErrors && report.records == 50, "\(report.findings)")
    }

    @Test func rotationContinuesTheChainAndAMissingFileIsNamed() async throws {
        let folder = Self.folder()
        let log = try AuditLog(path: folder + "/audit.jsonl", maxBytes: 4096)
        for index in 0..<60 { #expect(await log.append(Self.record("r\(index)"))) }
        log.close()
        let files = Self.files(folder)
        #expect(files.count >= 3, "\(files)")
        let report = AuditVerifier.verify(paths: files.reversed())  // any order: files sort by number
        #expect(!report.hasErrors && report.records == 60, "\(report.findings)")
        // files[0] is the current file, files[1] the first rotated one: files[2] is one in the middle.
        let gap = AuditVerifier.verify(paths: files.enumerated().filter { $0.offset != 2 }.map(\.element))
        #expect(gap.findings.contains { $0.isError && $0.message.contains("missing") }, "\(gap.findings)")
    }

    @Test func aTornLastLineIsRotatedAwayAndOnlyWarnedAbout() async throws {
        let folder = Self.folder()
        let path = folder + "/audit.jsonl"
        var log = try AuditLog(path: path)
        for index in 0..<5 { #expect(await log.append(Self.record("r\(index)"))) }
        log.close()
        // A killed gwrun leaves half a line.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Array("{\"seq\":7,\"prev\":\"ab".utf8))
        try handle.close()
        log = try AuditLog(path: path)
        #expect(await log.append(Self.record("after")))
        log.close()
        let report = AuditVerifier.verify(paths: Self.files(folder))
        #expect(!report.hasErrors, "\(report.findings)")
        #expect(report.findings.contains { !$0.isError && $0.message.contains("torn last line") })
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("torn line"))
    }

    @Test func eachTamperingIsNamed() async throws {
        let folder = Self.folder()
        let path = folder + "/audit.jsonl"
        let log = try AuditLog(path: path)
        for index in 0..<6 { #expect(await log.append(Self.record("r\(index)"))) }
        log.close()
        let original = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        func verdict(_ lines: [String]) throws -> [String] {
            let copy = folder + "/copy-\(UUID().uuidString)"
            try (lines.joined(separator: "\n") + "\n").write(toFile: copy, atomically: true, encoding: .utf8)
            return AuditVerifier.verify(paths: [copy]).findings.filter(\.isError).map { "\($0.line): \($0.message)" }
        }
        var edited = original
        edited[3] = edited[3].replacingOccurrences(of: "\"status\":200", with: "\"status\":201")
        #expect(try verdict(edited).first?.hasPrefix("4: this line was edited") == true)
        var deleted = original
        deleted.remove(at: 3)
        #expect(try verdict(deleted).first?.hasPrefix("4: 1 record missing before this line") == true)
        var swapped = original
        swapped.swapAt(3, 4)
        #expect(try verdict(swapped) == ["4: this line and the next are swapped: seq 5 comes before seq 4"])
        var inserted = original
        inserted.insert("{\"seq\":4,\"prev\":\"00\",\"type\":\"request\",\"status\":200}", at: 3)
        #expect(try verdict(inserted).first?.hasPrefix("4: this line was inserted") == true)
        #expect(try verdict(original).isEmpty)
    }

    @Test func requestIDs() {
        #expect(RequestIDStage.isWellFormed("req-1.a_b:c"))
        #expect(!RequestIDStage.isWellFormed(""))
        #expect(!RequestIDStage.isWellFormed("has space"))
        #expect(!RequestIDStage.isWellFormed(String(repeating: "a", count: 129)))
        let id = RequestIDStage.generate(42)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit) && id != RequestIDStage.generate(43))
    }
}
