/// A credential. Its text is reachable only through `reveal()`, and every description of it is
/// redacted, so that string interpolation, logging or dumping never prints it by accident.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The value itself, for the few places that must hand it to a peer or test it.
    public func reveal() -> [UInt8] { bytes }
    public func revealString() -> String { String(decoding: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// True when nothing but spaces, tabs or line breaks is there.
    public var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
