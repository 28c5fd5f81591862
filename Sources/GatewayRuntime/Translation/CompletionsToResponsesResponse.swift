import Foundation

/// Chat Completions response → OpenAI Responses `response` object (buffered), the answer a
/// Responses client gets from a provider reached through Chat Completions. Output items in the
/// order the Responses API gives them: reasoning (from `reasoning_content` or `reasoning`), the message with its
/// `output_text`, then one `function_call` per tool call. `finish_reason` `length` and
/// `content_filter` make the response `incomplete` with that reason. The item builders are shared
/// with `ResponsesStreamTranslator`, whose `response.completed` carries the same object.
public enum CompletionsToResponsesResponse {
    public static func response(_ completion: JSONNode, request: JSONNode) -> JSONNode {
        let base = idBase(completion["id"]?.string)
        let output = JSONNode.array()
        let message = completion["choices"]?.elements.first?["message"]
        // `reasoning_content` (DeepSeek, gwrun's own from Anthropic), `reasoning` (OpenRouter, vLLM).
        if let reasoning = message?["reasoning_content"]?.string ?? message?["reasoning"]?.string, !reasoning.isEmpty {
            output.append(reasoningItem(id: "rs_\(base)", text: reasoning))
        }
        if let text = message?["content"]?.string {
            output.append(messageItem(id: "msg_\(base)", text: text, status: "completed"))
        }
        for (number, call) in (message?["tool_calls"]?.elements ?? []).enumerated() {
            output.append(functionCallItem(id: "fc_\(base)_\(number)", callID: call["id"]?.string ?? "", name: call["function"]?["name"]?.string ?? "",
                                           arguments: call["function"]?["arguments"]?.string ?? "{}", status: "completed"))
        }
        let finish = completion["choices"]?.elements.first?["finish_reason"]?.string
        return object(id: "resp_\(base)", created: completion["created"]?.int ?? Int(Date().timeIntervalSince1970), model: completion["model"]?.string ?? "",
                      finishReason: finish, output: output, usage: completion["usage"], request: request)
    }

    /// The `response` object; `finishReason` nil with no usage is the in-progress one of `response.created`.
    static func object(id: String, created: Int, model: String, finishReason: String?, output: JSONNode, usage: JSONNode?, request: JSONNode, inProgress: Bool = false) -> JSONNode {
        let response = JSONNode.object()
        response.set("id", id)
        response.set("object", "response")
        response.set("created_at", created)
        let incomplete = incompleteReason(finishReason)
        response.set("status", inProgress ? "in_progress" : incomplete == nil ? "completed" : "incomplete")
        response.set("error", .null())
        if let incomplete {
            let details = JSONNode.object()
            details.set("reason", incomplete)
            response.set("incomplete_details", details)
        } else {
            response.set("incomplete_details", .null())
        }
        response.set("instructions", request["instructions"] ?? .null())
        response.set("max_output_tokens", request["max_output_tokens"] ?? .null())
        response.set("model", model)
        response.set("output", output)
        response.set("parallel_tool_calls", request["parallel_tool_calls"] ?? .bool(true))
        response.set("previous_response_id", .null())
        response.set("reasoning", request["reasoning"] ?? .object())
        response.set("store", .bool(false))
        response.set("temperature", request["temperature"] ?? .null())
        let text = JSONNode.object(), format = JSONNode.object()
        format.set("type", "text")
        text.set("format", request["text"]?["format"] ?? format)
        response.set("text", text)
        response.set("tool_choice", request["tool_choice"] ?? .string("auto"))
        response.set("tools", request["tools"] ?? .array())
        response.set("top_p", request["top_p"] ?? .null())
        response.set("truncation", "disabled")
        response.set("metadata", request["metadata"] ?? .object())
        response.set("usage", usage.flatMap { $0.isObject ? self.usage($0) : nil } ?? .null())
        return response
    }

    static func incompleteReason(_ finishReason: String?) -> String? {
        switch finishReason {
        case "length": "max_output_tokens"
        case "content_filter": "content_filter"
        default: nil
        }
    }

    /// Chat Completions usage in the Responses names (cached and reasoning tokens in their details).
    static func usage(_ usage: JSONNode) -> JSONNode {
        let input = usage["prompt_tokens"]?.int ?? 0, output = usage["completion_tokens"]?.int ?? 0
        let result = JSONNode.object(), inputDetails = JSONNode.object(), outputDetails = JSONNode.object()
        result.set("input_tokens", input)
        inputDetails.set("cached_tokens", usage["prompt_tokens_details"]?["cached_tokens"]?.int ?? 0)
        inputDetails.set("cache_write_tokens", usage["prompt_tokens_details"]?["cache_write_tokens"]?.int ?? 0)
        result.set("input_tokens_details", inputDetails)
        result.set("output_tokens", output)
        outputDetails.set("reasoning_tokens", usage["completion_tokens_details"]?["reasoning_tokens"]?.int ?? 0)
        result.set("output_tokens_details", outputDetails)
        result.set("total_tokens", usage["total_tokens"]?.int ?? input + output)
        return result
    }

    static func messageItem(id: String, text: String?, status: String) -> JSONNode {
        let item = JSONNode.object(), content = JSONNode.array()
        item.set("id", id)
        item.set("type", "message")
        item.set("status", status)
        item.set("role", "assistant")
        if let text { content.append(outputText(text)) }
        item.set("content", content)
        return item
    }

    static func outputText(_ text: String) -> JSONNode {
        let part = JSONNode.object()
        part.set("type", "output_text")
        part.set("text", text)
        part.set("annotations", .array())
        return part
    }

    static func functionCallItem(id: String, callID: String, name: String, arguments: String, status: String) -> JSONNode {
        let item = JSONNode.object()
        item.set("id", id)
        item.set("type", "function_call")
        item.set("status", status)
        item.set("call_id", callID)
        item.set("name", name)
        item.set("arguments", arguments)
        return item
    }

    static func reasoningItem(id: String, text: String?) -> JSONNode {
        let item = JSONNode.object(), summary = JSONNode.array()
        item.set("id", id)
        item.set("type", "reasoning")
        if let text { summary.append(summaryText(text)) }
        item.set("summary", summary)
        return item
    }

    static func summaryText(_ text: String) -> JSONNode {
        let part = JSONNode.object()
        part.set("type", "summary_text")
        part.set("text", text)
        return part
    }

    /// The provider's completion id without its prefix (`chatcmpl-`, `msg_`), for gwrun's item ids.
    static func idBase(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "gwrun" }
        for prefix in ["chatcmpl-", "msg_"] where id.hasPrefix(prefix) { return String(id.dropFirst(prefix.count)) }
        return id
    }
}
