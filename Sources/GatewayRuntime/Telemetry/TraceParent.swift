/// A W3C `traceparent` value (version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`),
/// read only to learn whether the client's trace is sampled; swift-otel's propagator does the rest.
/// All-zero ids and other versions' extra fields follow the W3C rules: zero ids are invalid,
/// a higher version is read by its first four fields.
struct TraceParent: Equatable {
    let traceID: Substring
    let parentID: Substring
    let sampled: Bool

    init?(_ value: String) {
        let fields = value.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[1].count == 32, fields[2].count == 16, fields[3].count == 2,
              fields[0] != "ff", fields.count == 4 || fields[0] != "00",
              fields[0...3].allSatisfy({ $0.utf8.allSatisfy(Self.isLowerHex) }),
              fields[1].contains(where: { $0 != "0" }), fields[2].contains(where: { $0 != "0" }),
              let flags = UInt8(fields[3], radix: 16)
        else { return nil }
        traceID = fields[1]
        parentID = fields[2]
        sampled = flags & 1 == 1
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) }
}
