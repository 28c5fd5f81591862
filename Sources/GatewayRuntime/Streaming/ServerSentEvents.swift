/// Splits a server-sent-event stream into events' `data` as bytes arrive, however the network
/// cuts them: a line may end in any chunk, `\r\n` and `\n` both end lines, a blank line ends an
/// event, several `data:` lines join with `\n`, comments (`:`) and other fields are skipped.
public struct ServerSentEvents: Sendable {
    /// The start of a line not yet ended.
    private var partial: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    /// Largest line or event kept while waiting for its end; a longer one is refused, so a
    /// provider that never ends a line cannot grow memory without bound.
    public var maxEventBytes = 16 << 20

    public struct Overflow: Error, CustomStringConvertible {
        public var description: String { "an event in the provider's stream is larger than the limit" }
    }

    public init() {}

    /// Feeds bytes; returns the data of every event they complete.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [[UInt8]] {
        var events: [[UInt8]] = []
        var start = 0
        for index in 0..<bytes.count where bytes[index] == 0x0A {
            if partial.isEmpty {
                line(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), into: &events)
            } else {
                partial.append(contentsOf: bytes[start..<index])
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                whole.withUnsafeBytes { line($0, into: &events) }
            }
            start = index + 1
        }
        partial.append(contentsOf: bytes[start...])
        guard partial.count + data.count <= maxEventBytes else { throw Overflow() }
        return events
    }

    public mutating func feed(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    private mutating func line(_ raw: UnsafeRawBufferPointer, into events: inout [[UInt8]]) {
        var line = raw
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.isEmpty {
            if hasData { events.append(data) }
            data.removeAll(keepingCapacity: true)
            hasData = false
            return
        }
        let dataField: [UInt8] = Array("data".utf8)
        guard line.starts(with: dataField) else { return }
        var value = line.dropFirst(4)
        if let colon = value.first {
            guard colon == 0x3A else { return }  // a field named e.g. `dataset`
            value = value.dropFirst()
            if value.first == 0x20 { value = value.dropFirst() }
        }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: value)
        hasData = true
    }
}
