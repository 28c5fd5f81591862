/// One change a backend's `policies.ai` makes to each request body before it is translated for
/// the provider (docs/runtime.md, "Request edits"): a field's default (`ai.defaults`: set when the
/// client left it out), an override (`ai.overrides`: always set), or a message put before or after
/// the client's (`ai.prompt.prepend`, `ai.prompt.append`).
public struct RequestEdit: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case `default`, override, prepend, append
    }
    public var kind: Kind
    /// The top-level field of the request body, or the message's role (lower-cased).
    public var key: String
    /// The field's value as JSON text, or the message's content.
    public var value: String
    public init(kind: Kind, key: String, value: String) {
        self.kind = kind
        self.key = key
        self.value = value
    }
}

/// `policies.ai.promptCaching`: where gwrun puts Bedrock cache points (CRD defaults).
public struct PromptCaching: Sendable, Hashable {
    public var cacheSystem = true
    public var cacheMessages = true
    public var cacheTools = false
    /// The estimated prompt size (words × 1.3) below which no cache point is set.
    public var minTokens = 1024
    /// How many messages before the second-to-last the message cache point goes.
    public var messageOffset = 0
    public init() {}
}
