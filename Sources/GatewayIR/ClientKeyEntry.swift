import Foundation

/// One entry of a client-key Secret, as agentgateway defines it: the value is the key itself, or
/// a JSON object with `key` or `keyHash` (`sha256:<64 hex digits>`) and optional `metadata`.
/// gwrun (which authenticates with it) and gwc (which checks a Hermes `api_key` against it) read
/// entries with this one parser.
public enum ClientKeyEntry: Sendable, Equatable {
    case key(String, metadata: String?)
    /// The SHA-256 of the key.
    case hash([UInt8], metadata: String?)

    /// nil for an entry that holds no usable key.
    public init?(_ value: SecretValue) {
        let text = value.revealString().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard text.hasPrefix("{") else {
            self = .key(text, metadata: nil)
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        let metadata = object["metadata"].flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) }
            .map { String(decoding: $0, as: UTF8.self) }
        if let key = object["key"] as? String, !key.isEmpty {
            self = .key(key, metadata: metadata)
        } else if let hash = object["keyHash"] as? String, hash.hasPrefix("sha256:"), let digest = Self.hex(hash.dropFirst(7)), digest.count == 32 {
            self = .hash(digest, metadata: metadata)
        } else {
            return nil
        }
    }

    public var metadata: String? {
        switch self {
        case .key(_, let metadata), .hash(_, let metadata): metadata
        }
    }

    /// The key's SHA-256, given the hash function (GatewayIR has no cryptography of its own).
    public func digest(_ sha256: (String) -> [UInt8]) -> [UInt8] {
        switch self {
        case .key(let key, _): sha256(key)
        case .hash(let digest, _): digest
        }
    }

    static func hex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[pair]), let low = nibble(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
