import ArgumentParser
import Foundation
import GatewayRuntime

/// `gwrun audit verify FILE...` and `gwrun audit show FILE... [--since] [--identity]`.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify or read an audit log written with --audit-log.",
        subcommands: [Verify.self, Show.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that audit files are complete and unedited (the hash chain, across rotated files).",
            discussion: "Exit 0: complete and unedited (a torn last line, left by a killed gwrun, is a warning). Exit 1: each edited, missing, reordered or inserted line is named.")

        @Argument(help: "The audit files: the current one and its rotated ones, in any order.")
        var files: [String]

        func run() throws {
            let report = AuditVerifier.verify(paths: files)
            for finding in report.findings { print(finding.description) }
            print(report.summary)
            if report.hasErrors { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print audit records, filtered.")

        @Argument(help: "The audit files.")
        var files: [String]

        @Option(help: "Only records at or after this time (2026-12-01, 2026-12-01T09:00Z, or a full timestamp).")
        var since: String?

        @Option(help: "Only records of this identity (an API key's entry name, a user, a JWT subject).")
        var identity: String?

        @Option(help: "text or json (the records as written, one per line).")
        var format = "text"

        func validate() throws {
            if let since, AuditQuery.date(since) == nil { throw ValidationError("--since \(since) is not a date or time (2026-12-01, 2026-12-01T09:00Z)") }
            guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json (got \(format))") }
        }

        func run() throws {
            let query = AuditQuery(since: since.flatMap(AuditQuery.date), identity: identity)
            for line in try query.records(paths: files) { print(format == "json" ? line.json : line.text) }
        }
    }
}
