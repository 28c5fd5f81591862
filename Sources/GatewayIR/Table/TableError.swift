/// Why a table was refused. Every case names the byte offset where the problem is.
public struct TableError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid route table at byte \(offset): \(reason)" }
}
