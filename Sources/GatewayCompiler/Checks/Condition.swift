/// A status condition as a controller writes it.
public struct Condition: Sendable, Hashable {
    public var type: String
    public var status: String
    public var reason: String
    public var message: String

    public init(_ type: String, _ status: Bool, _ reason: String, _ message: String = "") {
        self.type = type
        self.status = status ? "True" : "False"
        self.reason = reason
        self.message = message
    }

    public var isTrue: Bool { status == "True" }
    public var summary: String { "\(type)=\(status)/\(reason)" }
}
