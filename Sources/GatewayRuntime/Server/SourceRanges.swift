#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Which client addresses a LAN-only Gateway (`gwc.dev/exposure: lan`) accepts: loopback,
/// RFC 1918, RFC 6598 (carrier-grade NAT), link-local, IPv6 unique-local and link-local (and an
/// IPv4-mapped IPv6 address by its IPv4 part). Decided when the connection is accepted, before a
/// byte of it is read.
enum SourceRanges {
    static func isLAN(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4): return isLAN(ipv4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return isLAN(ipv4: UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
            }
            if bytes[0..<15].allSatisfy({ $0 == 0 }), bytes[15] == 1 { return true }  // ::1
            return bytes[0] & 0xFE == 0xFC || (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80)  // fc00::/7, fe80::/10
        case .unixDomainSocket: return true
        }
    }

    /// The address as 4 or 16 bytes (what `CIDRBlock.contains` takes); nil for a Unix socket.
    static func bytes(_ address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4): withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket: nil
        }
    }

    static func isLAN(ipv4 address: UInt32) -> Bool {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool { address >> (32 - bits) == network >> (32 - bits) }
        return within(0x7F00_0000, 8) || within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16)
            || within(0x6440_0000, 10) || within(0xA9FE_0000, 16)
    }
}
