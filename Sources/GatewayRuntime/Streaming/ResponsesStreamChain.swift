import Foundation

/// A Responses client's stream from a provider reached through Chat Completions: the provider's
/// events as Chat Completions chunks (an Anthropic provider's through `MessagesStreamTranslator`,
/// an OpenAI-compatible one's as they are), the route's response guards on those chunks, then
/// `ResponsesStreamTranslator`. The guards run on the chunks because they read Chat Completions
/// and Anthropic text; a Reject ends the client's stream with `response.failed`.
final class ResponsesStreamChain: StreamTranslator {
    private let messages: MessagesStreamTranslator?
    private let guarded: StreamGuard?
    private let responses: ResponsesStreamTranslator
    private(set) var rejectedByGuard = false

    init(fromAnthropic: Bool, request: JSONNode, responseGuards: [PromptGuardRule], created: Int = Int(Date().timeIntervalSince1970)) {
        messages = fromAnthropic ? MessagesStreamTranslator(created: created) : nil
        guarded = responseGuards.isEmpty ? nil : StreamGuard(format: .openAI, rules: responseGuards)
        responses = ResponsesStreamTranslator(request: request)
    }

    func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard failure == nil else { return [] }
        var chunks: [UInt8]
        if let messages {
            chunks = messages.feed(bytes)
            // Its `[DONE]` is given at the end only; here the end is the provider's `message_stop`.
            if messages.completed, messages.failure == nil { chunks += messages.finish() }
        } else {
            chunks = Array(bytes)
        }
        if let guarded, !chunks.isEmpty {
            var passed = guarded.feed(chunks)
            if let rejection = guarded.rejectionEvent() {
                rejectedByGuard = true
                passed += rejection
            }
            chunks = passed
        }
        return chunks.isEmpty ? [] : responses.feed(chunks)
    }

    func finish(cause: String?) -> [UInt8] {
        responses.finish(cause: cause ?? (rejectedByGuard ? responses.failure : messages?.failure.map { "the provider's stream failed: \($0)" }))
    }

    var completed: Bool { responses.completed && failure == nil }
    var failure: String? { messages?.failure ?? responses.failure }
    var inputTokens: Int? { messages?.inputTokens ?? responses.inputTokens }
    var outputTokens: Int? { messages?.outputTokens ?? responses.outputTokens }
    var cachedTokens: Int? { messages?.cachedTokens ?? responses.cachedTokens }
}
