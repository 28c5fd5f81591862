/// Follows an OpenAI Chat Completions event stream relayed unchanged, for the access log and the
/// token metrics: OpenAI puts the usage in the stream's last chunk when the client asked for it
/// (`stream_options.include_usage`); other chunks carry `"usage":null` or none and are not parsed.
public final class CompletionsUsageReader {
    private var events = ServerSentEvents()
    public private(set) var inputTokens: Int?
    public private(set) var outputTokens: Int?
    /// `usage.prompt_tokens_details.cached_tokens`: input read from OpenAI's prompt cache.
    public private(set) var cachedTokens: Int?

    public init() {}

    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let completed = try? events.feed(bytes) else { return }  // an oversized event: usage stays unknown
        for data in completed where Self.mayCarryUsage(data) {
            guard let usage = try? JSONNode.parse(data)["usage"], let prompt = usage["prompt_tokens"]?.int else { continue }
            inputTokens = prompt
            outputTokens = usage["completion_tokens"]?.int
            cachedTokens = usage["prompt_tokens_details"]?["cached_tokens"]?.int
        }
    }

    public func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { feed($0) } }

    /// `"usage"` followed by a colon and an object (not `null`), found without parsing the chunk.
    private static func mayCarryUsage(_ data: [UInt8]) -> Bool {
        let key = Array(#""usage""#.utf8)
        guard data.count > key.count else { return false }
        var index = 0
        while index + key.count < data.count {
            if data[index] == 0x22, data[index..<(index + key.count)].elementsEqual(key) {
                var next = index + key.count
                while next < data.count, data[next] == 0x20 || data[next] == 0x3A { next += 1 }
                if next < data.count, data[next] == 0x7B { return true }
            }
            index += 1
        }
        return false
    }
}
