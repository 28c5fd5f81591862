import GatewayIR
import NIOCore

/// Client addresses as the source rules see them. LAN-only (`gwc.dev/exposure: lan`) admits
/// `CIDRBlock.lanNetworks` (an IPv4-mapped IPv6 address counts by its IPv4 part); decided when the
/// connection is accepted, before a byte of it is read.
enum SourceRanges {
    static func isLAN(_ address: SocketAddress) -> Bool {
        if case .unixDomainSocket = address { return true }
        return bytes(address).map(CIDRBlock.isLAN) ?? false
    }

    /// The address as 4 or 16 bytes (what `CIDRBlock.contains` takes); nil for a Unix socket.
    static func bytes(_ address: SocketAddress) -> [UInt8]? {
        // Through the text form: NIO's sockaddr structs come from a C module whose visibility
        // varies with the import graph; one accept pays a few hundred nanoseconds for it.
        address.ipAddress.flatMap { CIDRBlock.parseAddress($0.split(separator: "%").first.map(String.init) ?? $0) }
    }
}
