/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128). gwc checks
/// them, the table stores their text, and gwrun tests client addresses with `contains`.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, host bits cleared.
    public let network: [UInt8]
    public let prefixLength: Int
    public let text: String

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.parseAddress(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), parts[1].allSatisfy(\.isASCII), value >= 0, value <= bits else { return nil }
            length = value
        }
        var masked = address
        for index in masked.indices {
            let kept = max(0, min(8, length - index * 8))
            masked[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        network = masked
        prefixLength = length
        self.text = text
    }

    public var description: String { text }

    /// What a LAN-only Gateway (`gwc.dev/exposure: lan`) admits: loopback, RFC 1918, RFC 6598
    /// (carrier-grade NAT), link-local, IPv6 loopback, unique-local and link-local.
    public static let lanNetworks: [CIDRBlock] = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
                                                  "::1/128", "fc00::/7", "fe80::/10"].compactMap(CIDRBlock.init)

    public static func isLAN(_ address: [UInt8]) -> Bool { lanNetworks.contains { $0.contains(address) } }

    /// The first address after this network, or nil when it ends the address space.
    public var end: [UInt8]? {
        var bytes = network
        var carry = true
        // Add 2^(bits - prefixLength), a one at bit `prefixLength - 1` from the top.
        guard prefixLength > 0 else { return nil }
        let bit = prefixLength - 1
        var index = bit / 8
        var add = UInt16(1) << (7 - bit % 8)
        while carry {
            let sum = UInt16(bytes[index]) + add
            bytes[index] = UInt8(sum & 0xFF)
            carry = sum > 0xFF
            add = 1
            if carry { guard index > 0 else { return nil }; index -= 1 }
        }
        return bytes
    }

    /// Whether `address` (4 or 16 bytes; an IPv4-mapped IPv6 address counts as its IPv4 address)
    /// lies in this network.
    public func contains(_ address: [UInt8]) -> Bool {
        var candidate = address
        if candidate.count == 16, network.count == 4, candidate[0..<10].allSatisfy({ $0 == 0 }), candidate[10] == 0xFF, candidate[11] == 0xFF {
            candidate = Array(candidate[12..<16])
        }
        guard candidate.count == network.count else { return false }
        var remaining = prefixLength
        for index in network.indices where remaining > 0 {
            let kept = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            if candidate[index] & mask != network[index] { return false }
            remaining -= kept
        }
        return true
    }

    /// Dotted IPv4 or RFC 4291 IPv6 text (with `::`, and a dotted IPv4 tail); nil otherwise.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        if !text.contains(":") { return parseIPv4(Substring(text)) }
        var head: [UInt16] = [], tail: [UInt16] = []
        var sawGap = false
        var tailV4: [UInt8]?
        let halves = Self.split(text, on: "::")
        guard halves.count <= 2 else { return nil }
        sawGap = halves.count == 2
        for (index, half) in halves.enumerated() where !half.isEmpty {
            var groups: [UInt16] = []
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                if position == pieces.count - 1, piece.contains(".") && index == halves.count - 1 {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    tailV4 = v4
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let value = UInt16(piece, radix: 16) else { return nil }
                groups.append(value)
            }
            if index == 0 { head = groups } else { tail = groups }
        }
        if !sawGap { (head, tail) = (head + tail, []) }
        let used = head.count + tail.count + (tailV4 == nil ? 0 : 2)
        guard sawGap ? used < 8 : used == 8 else { return nil }
        var words = head + Array(repeating: 0, count: 8 - used) + tail
        if let tailV4 { words += [UInt16(tailV4[0]) << 8 | UInt16(tailV4[1]), UInt16(tailV4[2]) << 8 | UInt16(tailV4[3])] }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// `text` cut at every `separator` (GatewayIR does not import Foundation).
    private static func split(_ text: String, on separator: String) -> [Substring] {
        var pieces: [Substring] = []
        var rest = Substring(text)
        while let range = rest.firstRange(of: separator) {
            pieces.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        return pieces + [rest]
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt8(octet) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
