/// A provider's event stream turned into the client's format as it arrives, for the relay
/// (`RequestProcessor.relay`): Anthropic events to OpenAI chunks (`MessagesStreamTranslator`) or
/// OpenAI chunks to Anthropic events (`CompletionsStreamTranslator`).
protocol StreamTranslator: AnyObject {
    /// The client's events for these provider bytes (possibly none yet).
    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8]
    /// What ends the client's stream; with `cause`, an error event in the client's format.
    func finish(cause: String?) -> [UInt8]
    /// The provider's stream ended as a whole answer.
    var completed: Bool { get }
    var failure: String? { get }
    var inputTokens: Int? { get }
    var outputTokens: Int? { get }
    var cachedTokens: Int? { get }
}

/// Which way a relayed stream is translated.
enum StreamTranslation: Sendable {
    /// An Anthropic provider's events to an OpenAI client's chunks.
    case messagesToCompletions
    /// An OpenAI-compatible provider's chunks to an Anthropic client's events.
    case completionsToMessages

    func makeTranslator() -> any StreamTranslator {
        switch self {
        case .messagesToCompletions: MessagesStreamTranslator()
        case .completionsToMessages: CompletionsStreamTranslator()
        }
    }

    /// The client's format, for response guards on the translated stream.
    var clientFormat: StreamGuard.Format { self == .messagesToCompletions ? .openAI : .anthropic }

    /// An error event in the client's format (the deadline passed mid-stream).
    func errorEvent(_ message: String) -> [UInt8] {
        switch self {
        case .messagesToCompletions: MessagesStreamTranslator.errorEvent(message)
        case .completionsToMessages: CompletionsStreamTranslator.errorEvent(message)
        }
    }
}

extension MessagesStreamTranslator: StreamTranslator {}
