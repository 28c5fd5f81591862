import NIOCore

/// A response body sent while it is produced (server-sent events from a provider), instead of
/// after it is complete. The server writes the head, then calls `produce` with a writer for each
/// piece; what the producer reports goes into the access log and metrics.
public struct ResponseStream: Sendable {
    public typealias Writer = @Sendable (ByteBuffer) async throws -> Void

    public struct Outcome: Sendable {
        public var inputTokens: Int?
        public var outputTokens: Int?
        /// Input tokens the provider read from its prompt cache.
        public var cachedTokens: Int?
        public var error: String?
        public var bytes = 0
        /// The body is cut short with nothing in it to say so: the server closes the connection
        /// instead of ending the body, so the client cannot take it for a whole answer.
        public var truncated = false
        /// The provider's stream failed before any byte was written (failover: the next provider
        /// may answer instead; set only under `FirstByteGate`, which then writes nothing).
        public var failedBeforeFirstByte = false
        public init() {}
    }

    public let produce: @Sendable (_ write: @escaping Writer) async -> Outcome

    public init(produce: @escaping @Sendable (_ write: @escaping Writer) async -> Outcome) { self.produce = produce }
}
