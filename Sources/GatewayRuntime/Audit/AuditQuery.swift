import Foundation

/// `gwrun audit show`: the records of audit files, in chain order, filtered by time and identity.
public struct AuditQuery: Sendable {
    public var since: Date?
    public var identity: String?

    public init(since: Date?, identity: String?) {
        self.since = since
        self.identity = identity
    }

    public struct Record: Sendable {
        /// As written.
        public var json: String
        /// One line for people: time, identity, route, model, tokens, status, verdicts.
        public var text: String
    }

    /// `2026-12-01`, `2026-12-01T09:00Z`, `2026-12-01T09:00:00Z` or with fractional seconds.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        if text.count == 17, text.hasSuffix("Z") { return date(String(text.dropLast()) + ":00Z") }  // no seconds
        return nil
    }

    public func records(paths: [String]) throws -> [Record] {
        var files: [(number: Int, path: String, lines: [String])] = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AuditError(description: "cannot read \(path)") }
            let lines = text.split(separator: "\n").map(String.init)
            let number = lines.first.flatMap { Self.object($0)?["file"] as? NSNumber }?.intValue ?? Int.max
            files.append((number, path, lines))
        }
        var out: [Record] = []
        for file in files.sorted(by: { ($0.number, $0.path) < ($1.number, $1.path) }) {
            for line in file.lines {
                guard let object = Self.object(line), object["type"] as? String == "request" else { continue }
                if let identity, object["identity"] as? String != identity { continue }
                if let since, let time = (object["time"] as? String).flatMap(Self.date), time < since { continue }
                out.append(Record(json: line, text: Self.text(object)))
            }
        }
        return out
    }

    static func object(_ line: String) -> [String: Any]? { try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] }

    static func text(_ object: [String: Any]) -> String {
        func value(_ key: String) -> String { (object[key]).map { "\($0)" } ?? "-" }
        let verdicts = (object["policies"] as? [[String: Any]] ?? []).map { "\($0["stage"] ?? ""): \($0["verdict"] ?? "")" }.joined(separator: "; ")
        return "\(value("time")) \(value("identity")) \(value("peer")) \(value("route")) \(value("model")) in=\(value("input_tokens")) out=\(value("output_tokens")) \(value("status"))" + (verdicts.isEmpty ? "" : " [\(verdicts)]")
    }
}
