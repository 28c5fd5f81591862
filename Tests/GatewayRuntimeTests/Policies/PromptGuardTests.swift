import Foundation
@testable import GatewayRuntime
import Testing

/// Prompt guards: the built-ins on valid and invalid examples, masking and rejection of message
/// text in each format, and streamed answers cut at every byte boundary.
@Suite("Prompt guards")
struct PromptGuardTests {
    static func rule(_ action: PromptGuardRule.Action, patterns: [String] = [], builtins: [PromptGuardBuiltin] = []) -> PromptGuardRule {
        PromptGuardRule(action: action, patterns: patterns.compactMap { try? NSRegularExpression(pattern: $0) }, builtins: builtins, rejectStatus: 403, rejectMessage: "no")
    }

    static func masked(_ text: String, _ builtins: [PromptGuardBuiltin]) -> String {
        PromptGuard.inspect(text, rules: [rule(.mask, builtins: builtins)]).text
    }

    @Test func creditCardsMustPassLuhn() {
        #expect(Self.masked("card 4111 1111 1111 1111 ok", [.creditCard]) == "card <CREDIT_CARD> ok")
        #expect(Self.masked("card 4111-1111-1111-1111", [.creditCard]) == "card <CREDIT_CARD>")
        #expect(Self.masked("amex 378282246310005", [.creditCard]) == "amex <CREDIT_CARD>")
        // Sixteen digits that fail Luhn, and an order number: left alone.
        #expect(Self.masked("order 4111 1111 1111 1112", [.creditCard]) == "order 4111 1111 1111 1112")
        #expect(Self.masked("id 1234567890123456", [.creditCard]) == "id 1234567890123456")
    }

    @Test func ssnsMustBeAssignable() {
        #expect(Self.masked("ssn 123-45-6789.", [.ssn]) == "ssn <SSN>.")
        #expect(Self.masked("000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000", [.ssn]) == "000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000")
    }

    @Test func canadianSINsPassLuhn() {
        #expect(Self.masked("sin 130 692 544", [.caSin]) == "sin <CA_SIN>")
        #expect(Self.masked("sin 130 692 545", [.caSin]) == "sin 130 692 545")  // fails Luhn
        #expect(Self.masked("sin 046 454 286", [.caSin]) == "sin 046 454 286")  // starts with 0: never assigned (the documentation's sample)
    }

    @Test func emailsAndPhoneNumbers() {
        #expect(Self.masked("write to jane.doe+x@mail.example.com today", [.email]) == "write to <EMAIL_ADDRESS> today")
        #expect(Self.masked("not@an-address", [.email]) == "not@an-address")
        #expect(Self.masked("call (415) 555-0132 or +44 20 7946 0958", [.phoneNumber]).hasPrefix("call <PHONE_NUMBER>"))
        #expect(Self.masked("version 1.2.3", [.phoneNumber]) == "version 1.2.3")
    }

    @Test func rejectStopsAndMaskReplaces() throws {
        let body = try JSONNode.parse(#"{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"my card is 4111111111111111"}]}]}"#)
        #expect(PromptGuard.apply([Self.rule(.mask, builtins: [.creditCard])], to: body).isMasked)
        #expect(body.text.contains("my card is <CREDIT_CARD>") && !body.text.contains("4111"))
        let messages = try JSONNode.parse(#"{"system":[{"type":"text","text":"secret project falcon"}],"messages":[{"role":"user","content":"hi"}]}"#)
        guard case .rejected(let rule) = PromptGuard.apply([Self.rule(.reject, patterns: ["project falcon"])], to: messages) else { Issue.record("not rejected"); return }
        #expect(PromptGuard.refusal(rule).status == 403)
        // Model names, roles and tool arguments are not message text.
        let other = try JSONNode.parse(#"{"model":"falcon","messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"q\":\"falcon\"}"}}]}]}"#)
        #expect(PromptGuard.apply([Self.rule(.reject, patterns: ["falcon"])], to: other).isPass)
    }

    /// An OpenAI chunk stream whose text splits a card number and a phrase across events.
    static let openAIStream: [UInt8] = Array(([
        #"{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{"content":"pay with 4111 1111 "},"finish_reason":null}]}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{"content":"1111 1111 and the per-"},"finish_reason":null}]}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{"content":"node ztunnel, thanks"},"finish_reason":null}]}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    ].map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8)

    static let anthropicStream: [UInt8] = Array([
        ("message_start", #"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3}}}"#),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"pay with 4111 1111 "}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"1111 1111 and the per-"}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"node ztunnel, thanks"}}"#),
        ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ].map { "event: \($0.0)\ndata: \($0.1)\n\n" }.joined().utf8)

    /// Gemini's native stream (`streamGenerateContent?alt=sse`): no `[DONE]`, the last chunk
    /// carries `finishReason`.
    static let geminiStream: [UInt8] = Array([
        #"{"candidates":[{"content":{"parts":[{"text":"pay with 4111 1111 "}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash"}"#,
        #"{"candidates":[{"content":{"parts":[{"text":"1111 1111 and the per-"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash"}"#,
        #"{"candidates":[{"content":{"parts":[{"text":"node ztunnel, thanks"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3}}"#,
    ].map { "data: \($0)\r\n\r\n" }.joined().utf8)

    static func stream(_ format: StreamGuard.Format) -> [UInt8] {
        switch format {
        case .openAI: openAIStream
        case .anthropic: anthropicStream
        case .gemini: geminiStream
        }
    }

    /// The text a client assembles from a stream's events.
    static func text(of stream: [UInt8], format: StreamGuard.Format) throws -> (text: String, done: Bool, error: Bool) {
        var events = ServerSentEvents()
        var text = "", done = false, error = false
        for data in try events.feed(stream) {
            if data == Array("[DONE]".utf8) { done = true; continue }
            let event = try JSONNode.parse(data)
            if event["error"] != nil { error = true }
            switch format {
            case .openAI: text += event["choices"]?.elements.first?["delta"]?["content"]?.string ?? ""
            case .anthropic:
                if event["type"]?.string == "message_stop" { done = true }
                text += event["delta"]?["text"]?.string ?? ""
            case .gemini:
                let candidate = event["candidates"]?.elements.first
                if candidate?["finishReason"] != nil { done = true }
                text += (candidate?["content"]?["parts"]?.elements ?? []).compactMap { $0["text"]?.string }.joined()
            }
        }
        return (text, done, error)
    }

    static let maskRules = [rule(.mask, builtins: [.creditCard]), rule(.mask, patterns: ["per-node ztunnel"])]

    @Test(arguments: [StreamGuard.Format.openAI, .anthropic, .gemini])
    func aStreamCutAtEveryByteIsMaskedTheSame(_ format: StreamGuard.Format) throws {
        let stream = Self.stream(format)
        for cut in 0...stream.count {
            let guarded = StreamGuard(format: format, rules: Self.maskRules)
            let output = guarded.feed(Array(stream[..<cut])) + guarded.feed(Array(stream[cut...])) + guarded.finish()
            let result = try Self.text(of: output, format: format)
            #expect(result.text == "pay with <CREDIT_CARD> and the <masked>, thanks", "cut at \(cut)")
            #expect(result.done && !result.error, "cut at \(cut)")
        }
    }

    @Test func aStreamFedByteByByteIsMasked() throws {
        let guarded = StreamGuard(format: .openAI, rules: Self.maskRules)
        var output: [UInt8] = []
        for byte in Self.openAIStream { output += guarded.feed([byte]) }
        #expect(try Self.text(of: output + guarded.finish(), format: .openAI).text == "pay with <CREDIT_CARD> and the <masked>, thanks")
    }

    @Test(arguments: [StreamGuard.Format.openAI, .anthropic, .gemini])
    func aRejectedStreamEndsWithAnErrorAndNothingOfTheMatch(_ format: StreamGuard.Format) throws {
        let stream = Self.stream(format)
        for cut in stride(from: 0, through: stream.count, by: 7) {
            let guarded = StreamGuard(format: format, rules: [Self.rule(.reject, builtins: [.creditCard])])
            var output = guarded.feed(Array(stream[..<cut]))
            if guarded.rejection == nil { output += guarded.feed(Array(stream[cut...])) }
            output += guarded.rejectionEvent() ?? []
            let result = try Self.text(of: output, format: format)
            #expect(!result.text.contains("4111") && !result.text.contains("1111"), "cut at \(cut)")
            #expect(result.error && !(format != .anthropic && result.done), "cut at \(cut)")
        }
    }
}

extension PromptGuard.Verdict {
    var isMasked: Bool { if case .masked = self { true } else { false } }
    var isPass: Bool { if case .pass = self { true } else { false } }
}
