import Foundation
import Logging

/// gwrun's swift-log handler: one line per event on standard error, `gwrun: message` for info
/// and notice, `gwrun: warning: message` (or error, critical, debug, trace) otherwise, metadata
/// as ` key=value` in key order. Access-log lines are not events: they go to standard output.
/// Messages are gwrun's own words; no caller passes a header value, key or body into one.
public struct GatewayLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void

    public init(level: Logger.Level, write: @escaping @Sendable (String) -> Void = GatewayLogHandler.standardError) {
        self.logLevel = level
        self.write = write
    }

    public static let standardError: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data(line.utf8)) }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "gwrun: "
        switch event.level {
        case .info, .notice: break
        default: line += "\(event.level): "
        }
        line += event.message.description
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key].map { "\($0)" } ?? "")" }
        write(line + "\n")
    }

    /// Bootstraps swift-log with this handler at `level`; call once per process.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { _ in GatewayLogHandler(level: level) }
    }
}
