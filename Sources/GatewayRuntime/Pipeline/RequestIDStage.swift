import GatewayIR

/// The first stage: the request's id, host and user agent for the logs. The id is the client's
/// `x-request-id` when it is well-formed (1 to 128 of `A-Z a-z 0-9 . _ : -`), else 32 hex digits
/// gwrun draws; it goes upstream in `x-request-id` (replacing a malformed one) and back to the
/// client on every answer.
struct RequestIDStage: RequestStage {
    var name: String { "request id" }

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    /// 32 hex digits from the request's random draw (the connection's generator, seeded from the
    /// system's), stirred twice so the id does not reveal the draw that chose the backend.
    static func generate(_ random: UInt64) -> String {
        var generator = SplitMix64(seed: random ^ 0x5EED_1D5E_ED1D_5EED)
        let high = generator.next(), low = generator.next()
        // Written in place: it runs per request, and String(radix:) with padding cost 2% of a plain proxy's CPU.
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<32 {
                let nibble = UInt8(truncatingIfNeeded: ((index < 16 ? high : low) >> (60 - 4 * UInt64(index % 16))) & 0xF)
                buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
            }
            return 32
        }
    }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        let given = context.request.header("x-request-id")
        let id: String
        if let given, Self.isWellFormed(given) {
            id = given
        } else {
            // Goes upstream in place of the client's (`RequestHeaderStage`); the request's own
            // headers are not rewritten, which would copy them.
            id = Self.generate(context.random)
            context.requestIDGenerated = true
        }
        context.record.requestID = id
        context.record.host = context.request.header("host")
        context.record.userAgent = context.request.header("user-agent")
        // Back to the client: `RequestPipeline.observe` adds it to every answer gwrun makes, and a
        // proxied answer's head gets it without being rewritten (`UpstreamResponseHead.write`).
        return .next
    }
}
