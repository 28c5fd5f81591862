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
    /// The route's response guards (run inside the translator) rejected the answer.
    var rejectedByGuard: Bool { get }
}

extension StreamTranslator {
    var rejectedByGuard: Bool { false }
}

/// Which way a relayed stream is translated.
indirect enum StreamTranslation: Sendable {
    /// An Anthropic provider's events to an OpenAI client's chunks.
    case messagesToCompletions
    /// An OpenAI-compatible provider's chunks to an Anthropic client's events.
    case completionsToMessages
    /// A provider's stream (Anthropic events, or Chat Completions chunks) to a Responses client's
    /// events, with the client's request echoed in the `response` objects.
    case toResponses(fromAnthropic: Bool, request: JSONNode)
    /// Bedrock's ConverseStream as Anthropic events, then (`then`) on to the client's format;
    /// nil: a Messages client, who gets the Anthropic events.
    case fromConverse(model: String, then: StreamTranslation?)

    /// The translator; a Responses one runs the response guards itself (`guardsInside`).
    func makeTranslator(responseGuards: [PromptGuardRule]) -> any StreamTranslator {
        switch self {
        case .messagesToCompletions: MessagesStreamTranslator()
        case .completionsToMessages: CompletionsStreamTranslator()
        case .toResponses(let fromAnthropic, let request): ResponsesStreamChain(fromAnthropic: fromAnthropic, request: request, responseGuards: responseGuards)
        case .fromConverse(let model, let then): ConverseStreamTranslator(model: model, next: then?.makeTranslator(responseGuards: responseGuards))
        }
    }

    /// The relay's own guard reads the client's format; the Responses chain guards its chunks.
    var guardsInside: Bool {
        switch self {
        case .toResponses: true
        case .fromConverse(_, let then): then?.guardsInside ?? false
        default: false
        }
    }

    /// The client's format, for response guards on the translated stream.
    var clientFormat: StreamGuard.Format {
        switch self {
        case .messagesToCompletions: .openAI
        case .fromConverse(_, let then): then?.clientFormat ?? .anthropic
        default: .anthropic
        }
    }

    /// An error event in the client's format (the deadline passed mid-stream).
    func errorEvent(_ message: String) -> [UInt8] {
        switch self {
        case .messagesToCompletions: MessagesStreamTranslator.errorEvent(message)
        case .completionsToMessages: CompletionsStreamTranslator.errorEvent(message)
        case .toResponses: ResponsesStreamTranslator.errorEvent(message)
        case .fromConverse(_, let then): then?.errorEvent(message) ?? CompletionsStreamTranslator.errorEvent(message)
        }
    }
}

extension MessagesStreamTranslator: StreamTranslator {}
