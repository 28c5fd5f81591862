import Foundation
import NIOCore

/// Gemini's native API for Gemini-native clients (the google-genai SDK, Gemini CLI) on a route
/// whose type is GenerateContent or GeminiCountTokens (agentgateway's route types for paths ending
/// `:generateContent`, `:streamGenerateContent`, `:countTokens`): the body goes as the client sent
/// it to `/v1beta/models/{model}:{method}` (`?alt=sse` for a stream), the model the provider's
/// pinned one or else the one in the client's path, the backend's key in `x-goog-api-key`. The
/// answer and Google's errors come back as they are; the `usageMetadata` of a buffered answer
/// (`send`) and of a stream's last chunk (`CompletionsUsageReader`) is logged. Response prompt
/// guards read both: the buffered answer's `candidates[].content.parts[].text`, the stream's
/// chunks through `StreamGuard`'s Gemini format.
extension AIExchange {
    static let geminiMethods: Set<String> = ["generateContent", "streamGenerateContent", "countTokens"]

    func geminiNative(_ body: JSONNode, provider: Int, pinned: String?, record: inout AccessRecord) async -> GatewayResponse {
        // `…/models/{model}:{method}`: the last path segment.
        let last = request.path.split(separator: "/").last.map(String.init) ?? ""
        let parts = last.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, Self.geminiMethods.contains(parts[1]), let model = pinned ?? (parts[0].isEmpty ? nil : parts[0].removingPercentEncoding) else {
            return .openAIError(400, "a GenerateContent route takes Gemini's paths: …/models/{model}:generateContent, :streamGenerateContent or :countTokens")
        }
        let streaming = parts[1] == "streamGenerateContent"
        record.model = model
        let suffix = "/models/\(AWSSigV4.encode(model[...], keepSlash: false)):\(parts[1])" + (streaming ? "?alt=sse" : "")
        return await send(body.serializedBuffer(), provider: provider, suffix: suffix, anthropic: false, record: &record, googleKey: true)
    }
}
