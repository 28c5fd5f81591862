/// Follows an event stream relayed unchanged, for the access log, the audit record and the token
/// metrics. OpenAI puts the usage in the stream's last chunk when the client asked for it
/// (`stream_options.include_usage`); Gemini's native stream (`streamGenerateContent?alt=sse`)
/// carries a running `usageMetadata` in its chunks, the last one final. Chunks without either key
/// followed by an object are not parsed.
public final class CompletionsUsageReader {
    private var events = ServerSentEvents()
    public private(set) var inputTokens: Int?
    public private(set) var outputTokens: Int?
    /// OpenAI's `usage.prompt_tokens_details.cached_tokens`, Gemini's `cachedContentTokenCount`:
    /// input read from the provider's prompt cache.
    public private(set) var cachedTokens: Int?

    private static let openAIKey = Array(#""usage""#.utf8)
    private static let geminiKey = Array(#""usageMetadata""#.utf8)

    public init() {}

    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let completed = try? events.feed(bytes) else { return }  // an oversized event: usage stays unknown
        for data in completed {
            if Self.carriesObject(data, under: Self.openAIKey) {
                guard let usage = try? JSONNode.parse(data)["usage"], let prompt = usage["prompt_tokens"]?.int else { continue }
                inputTokens = prompt
                outputTokens = usage["completion_tokens"]?.int
                cachedTokens = usage["prompt_tokens_details"]?["cached_tokens"]?.int
            } else if Self.carriesObject(data, under: Self.geminiKey) {
                guard let usage = try? JSONNode.parse(data)["usageMetadata"], usage["promptTokenCount"]?.int != nil else { continue }
                (inputTokens, outputTokens, cachedTokens) = Self.geminiUsage(usage)
            }
        }
    }

    public func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { feed($0) } }

    /// Gemini's `usageMetadata` (a buffered answer's or a stream chunk's): input, output, cached tokens.
    static func geminiUsage(_ usage: JSONNode) -> (input: Int?, output: Int?, cached: Int?) {
        (usage["promptTokenCount"]?.int, usage["candidatesTokenCount"]?.int, usage["cachedContentTokenCount"]?.int)
    }

    /// `key` (quoted) followed by a colon and an object (not `null`), found without parsing the chunk.
    private static func carriesObject(_ data: [UInt8], under key: [UInt8]) -> Bool {
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
