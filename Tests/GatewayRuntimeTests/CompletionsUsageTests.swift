import Foundation
import GatewayRuntime
import Testing

/// The usage of an OpenAI stream relayed unchanged is read for the log, however the bytes are cut.
@Suite("OpenAI stream usage")
struct CompletionsUsageTests {
    static let stream = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/translation/response/completions/stream.json")

    @Test(arguments: [0, 1, 13, 512])
    func usageComesFromTheLastChunk(pieceSize: Int) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.stream))
        let reader = CompletionsUsageReader()
        let step = pieceSize == 0 ? bytes.count : pieceSize
        var offset = 0
        while offset < bytes.count {
            reader.feed(Array(bytes[offset..<min(offset + step, bytes.count)]))
            offset += step
        }
        #expect(reader.inputTokens == 18)
        #expect(reader.outputTokens == 286)
    }

    @Test func aStreamWithoutUsageLeavesItUnknown() {
        let reader = CompletionsUsageReader()
        reader.feed(Array("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\ndata: {\"note\":\"usage\"}\n\ndata: [DONE]\n\n".utf8))
        #expect(reader.inputTokens == nil && reader.outputTokens == nil)
    }

    /// Gemini's native stream: every chunk has a running `usageMetadata`; the last one counts.
    @Test func geminiNativeStreamUsageComesFromItsLastChunk() {
        let reader = CompletionsUsageReader()
        func chunk(_ text: String, prompt: Int, candidates: Int) -> String {
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\(text)\"}],\"role\":\"model\"}}],\"usageMetadata\":{\"promptTokenCount\":\(prompt),\"candidatesTokenCount\":\(candidates),\"cachedContentTokenCount\":10},\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n"
        }
        reader.feed(Array((chunk("Think ", prompt: 42, candidates: 1) + chunk("of Istio", prompt: 42, candidates: 3)).utf8))
        #expect(reader.inputTokens == 42)
        #expect(reader.outputTokens == 3)
        #expect(reader.cachedTokens == 10)
    }
}
