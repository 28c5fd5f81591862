/// The context windows (input tokens) of well-known models, so that lint can say where a
/// failover would move a request to a model with a smaller window than the one it was sized for
/// (GW410). Only what the providers publish for their current models, matched by the longest
/// prefix of the model name once a Bedrock geography (`us.`, `eu.`, ...) and vendor (`anthropic.`)
/// and a Gemini `models/` are taken off; a model not listed is unknown and never compared.
/// Source: the providers' model pages as of 2026-12 (docs/diagnostics.md, GW410).
public enum ContextWindows {
    static let byPrefix: [(prefix: String, tokens: Int)] = [
        // OpenAI
        ("gpt-3.5-turbo", 16_385), ("gpt-4", 8_192), ("gpt-4-32k", 32_768), ("gpt-4-turbo", 128_000), ("gpt-4o", 128_000),
        ("gpt-4.1", 1_047_576), ("gpt-4.5", 128_000), ("gpt-5", 400_000), ("o1", 200_000), ("o1-mini", 128_000),
        ("o3", 200_000), ("o4-mini", 200_000),
        // Anthropic (also through Bedrock and Vertex AI)
        ("claude-3", 200_000), ("claude-sonnet-4", 200_000), ("claude-opus-4", 200_000), ("claude-haiku-4", 200_000),
        ("claude-2", 100_000), ("claude-instant", 100_000),
        // Google
        ("gemini-1.5-pro", 2_097_152), ("gemini-1.5-flash", 1_048_576), ("gemini-2.0-flash", 1_048_576),
        ("gemini-2.5-pro", 1_048_576), ("gemini-2.5-flash", 1_048_576), ("gemini-1.0-pro", 32_760),
        // Amazon, Meta and Mistral on Bedrock
        ("nova-pro", 300_000), ("nova-lite", 300_000), ("nova-micro", 128_000),
        ("llama3-", 8_192), ("llama3-1-", 128_000), ("llama3-2-", 128_000), ("llama3-3-", 128_000),
        ("mistral-large", 128_000),
    ]

    private static let bedrockGeographies = ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."]
    private static let vendors = ["anthropic.", "amazon.", "meta.", "mistral.", "cohere.", "ai21."]

    /// The window of `model`, or nil when gwc does not know it.
    public static func tokens(of model: String) -> Int? {
        var name = model.lowercased()
        if name.hasPrefix("models/") { name.removeFirst("models/".count) }
        for geography in bedrockGeographies where name.hasPrefix(geography) && vendors.contains(where: { name.dropFirst(geography.count).hasPrefix($0) }) {
            name.removeFirst(geography.count)
            break
        }
        for vendor in vendors where name.hasPrefix(vendor) {
            name.removeFirst(vendor.count)
            break
        }
        // A prefix counts where the name goes on with a separator (gpt-4 is not gpt-4o's window).
        return byPrefix
            .filter { name.hasPrefix($0.prefix) && ($0.prefix.last == "-" || name.dropFirst($0.prefix.count).first.map { ".-:@".contains($0) } ?? true) }
            .max { $0.prefix.count < $1.prefix.count }?.tokens
    }
}
