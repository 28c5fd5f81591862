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
        let hex = String(high, radix: 16), hexLow = String(low, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 16 - hexLow.count) + hexLow
    }

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        let given = context.request.header("x-request-id")
        let id: String
        if let given, Self.isWellFormed(given) {
            id = given
        } else {
            id = Self.generate(context.random)
            context.request.headers.removeAll { HeaderName.matches($0.name, "x-request-id") }
            context.request.headers.append(("x-request-id", id))
        }
        context.record.requestID = id
        context.record.host = context.request.header("host")
        context.record.userAgent = context.request.header("user-agent")
        // Back to the client: `RequestPipeline.observe` adds it to every answer gwrun makes, and a
        // proxied answer's head gets it without being rewritten (`UpstreamResponseHead.write`).
        return .next
    }
}
