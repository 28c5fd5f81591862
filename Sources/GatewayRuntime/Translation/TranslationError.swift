/// A request the gateway cannot translate: answered 400 in OpenAI's error shape.
public struct TranslationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "failed to process LLM request: \(message)" }
}
