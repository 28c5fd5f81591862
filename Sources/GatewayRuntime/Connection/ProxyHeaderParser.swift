import GatewayIR

/// Reads a PROXY protocol header (HAProxy's spec, versions 1 and 2) from the first bytes of a
/// connection: a pure function of the bytes, tested without sockets. It says whether more bytes
/// are needed, that the stream does not start with a header, that the header is malformed, or
/// the client address it carries (nil for v1 `UNKNOWN` and v2 `LOCAL`: the peer itself).
enum ProxyHeaderParser {
    enum Result: Equatable {
        case needMore
        case notProxy
        case invalid(String)
        /// `address`: 4 or 16 bytes; `length`: bytes the header takes.
        case header(address: [UInt8]?, port: Int, version: Int, length: Int)
    }

    static let v1Prefix = Array("PROXY ".utf8)
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// The spec's longest v1 line, CRLF included.
    static let v1MaxLength = 107
    /// v2 headers beyond this (TLVs included) are refused rather than buffered.
    static let v2MaxLength = 16 + 2048

    static func parse(_ bytes: some Collection<UInt8>) -> Result {
        let bytes = Array(bytes)
        if isPrefixOrStart(bytes, of: v2Signature) {
            return bytes.count < 16 ? .needMore : parseV2(bytes)
        }
        if isPrefixOrStart(bytes, of: v1Prefix) {
            return bytes.count < v1Prefix.count ? .needMore : parseV1(bytes)
        }
        return .notProxy
    }

    /// Whether `bytes` is a prefix of `signature` (so far) or starts with it.
    private static func isPrefixOrStart(_ bytes: [UInt8], of signature: [UInt8]) -> Bool {
        !bytes.isEmpty && zip(bytes, signature).allSatisfy { $0 == $1 }
    }

    private static func parseV1(_ bytes: [UInt8]) -> Result {
        guard let end = bytes.prefix(v1MaxLength).firstIndex(of: 0x0A) else {
            return bytes.count >= v1MaxLength ? .invalid("a PROXY v1 line longer than \(v1MaxLength) bytes") : .needMore
        }
        guard end > 0, bytes[end - 1] == 0x0D else { return .invalid("a PROXY v1 line not ended by CRLF") }
        let line = String(decoding: bytes[..<(end - 1)], as: UTF8.self)
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2 else { return .invalid("a PROXY v1 line without a protocol") }
        if fields[1] == "UNKNOWN" { return .header(address: nil, port: 0, version: 1, length: end + 1) }
        guard fields.count == 6, fields[1] == "TCP4" || fields[1] == "TCP6" else { return .invalid("a PROXY v1 line that is not TCP4, TCP6 or UNKNOWN with two addresses and two ports") }
        guard let source = CIDRBlock.parseAddress(fields[2]), let destination = CIDRBlock.parseAddress(fields[3]),
              source.count == (fields[1] == "TCP4" ? 4 : 16), destination.count == source.count else {
            return .invalid("a PROXY v1 line with an address that is not \(fields[1])")
        }
        guard let port = portNumber(fields[4]), portNumber(fields[5]) != nil else { return .invalid("a PROXY v1 line with a port out of range") }
        return .header(address: source, port: port, version: 1, length: end + 1)
    }

    private static func portNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), !(text.count > 1 && text.hasPrefix("0")), let value = Int(text), value <= 65535 else { return nil }
        return value
    }

    private static func parseV2(_ bytes: [UInt8]) -> Result {
        guard bytes[12] >> 4 == 2 else { return .invalid("a PROXY v2 header with version \(bytes[12] >> 4)") }
        let command = bytes[12] & 0x0F
        guard command <= 1 else { return .invalid("a PROXY v2 header with command \(command)") }
        let length = 16 + (Int(bytes[14]) << 8 | Int(bytes[15]))
        guard length <= v2MaxLength else { return .invalid("a PROXY v2 header of \(length) bytes (at most \(v2MaxLength))") }
        guard bytes.count >= length else { return .needMore }
        if command == 0 { return .header(address: nil, port: 0, version: 2, length: length) }  // LOCAL: the proxy's own connection
        switch bytes[13] {
        case 0x11:  // TCP over IPv4: source, destination, source port, destination port
            guard length >= 16 + 12 else { return .invalid("a PROXY v2 TCP4 header too short for its addresses") }
            return .header(address: Array(bytes[16..<20]), port: Int(bytes[24]) << 8 | Int(bytes[25]), version: 2, length: length)
        case 0x21:
            guard length >= 16 + 36 else { return .invalid("a PROXY v2 TCP6 header too short for its addresses") }
            return .header(address: Array(bytes[16..<32]), port: Int(bytes[48]) << 8 | Int(bytes[49]), version: 2, length: length)
        case 0x00:
            return .header(address: nil, port: 0, version: 2, length: length)
        default:
            return .invalid("a PROXY v2 header for a transport gwrun does not serve (family/protocol 0x\(String(bytes[13], radix: 16)))")
        }
    }
}
