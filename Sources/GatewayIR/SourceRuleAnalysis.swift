/// Whether source rules admit any client beyond the LAN, decided exactly: every CIDR test (and
/// every LAN network) is constant between consecutive network boundaries, so one address per
/// boundary interval stands for all of it. gwc uses it so that GW606 counts a port whose
/// networkAuthorization admits only LAN clients as not exposed, as gwrun enforces it.
public enum SourceRuleAnalysis {
    /// `admits` decides one address (4 or 16 bytes); `networks` are every network the rules test.
    public static func admitsOnlyLAN(networks: [CIDRBlock], admits: ([UInt8]) -> Bool) -> Bool {
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        // IPv4 networks also as IPv4-mapped IPv6, since an IPv6 socket may carry an IPv4 client.
        var all = networks + CIDRBlock.lanNetworks
        all += all.filter { $0.network.count == 4 }.compactMap { block in
            CIDRBlock(CIDRBlock.format(mappedPrefix + block.network) + "/\(block.prefixLength + 96)")
        }
        for family in [4, 16] {
            var boundaries = [[UInt8](repeating: 0, count: family)]
            for block in all where block.network.count == family {
                boundaries.append(block.network)
                if let end = block.end { boundaries.append(end) }
            }
            for address in Set(boundaries) where !CIDRBlock.isLAN(address) && admits(address) { return false }
        }
        return true
    }
}

extension CIDRBlock {
    /// Text for 4 or 16 address bytes (IPv6 in full hex groups).
    public static func format(_ bytes: [UInt8]) -> String {
        bytes.count == 4 ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: bytes.count, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

extension SourceExpression {
    /// The networks the expression tests.
    public var networks: [CIDRBlock] {
        switch self {
        case .cidr(let block): [block]
        case .constant: []
        case .not(let inner): inner.networks
        case .and(let a, let b), .or(let a, let b): a.networks + b.networks
        }
    }
}
