import Foundation
import GatewayIR

/// Model discovery on an AI route: what agents ask before they send a prompt.
extension AIExchange {
    /// `GET …/models` answers with every model this route reaches (each provider's pinned one, then
    /// the backend's `ai.modelAliases`, by alias), in
    /// the client's shape (Anthropic's list for the anthropic SDK, OpenAI's otherwise), so agents
    /// can discover them; the other probes Hermes sends (`…/models/<id>`, `…/api/show`) get a fast
    /// answer, never a hang.
    func modelDiscovery() -> GatewayResponse? {
        let path = request.path
        guard request.method == "GET" || path.hasSuffix("/api/show") else { return nil }
        // Every model the route reaches: each provider's pinned model, in the backend's order.
        var models: [(id: String, kind: String)] = []
        for provider in table.backend(backend).providers {
            if let pinned = table.provider(provider).model, !models.contains(where: { $0.id == pinned }) { models.append((pinned, table.provider(provider).kind)) }
        }
        let kind = table.backend(backend).providers.first.map { table.provider($0).kind } ?? ""
        for alias in table.backend(backend).modelAliases where !models.contains(where: { $0.id == alias.alias }) { models.append((alias.alias, kind)) }
        // The anthropic SDK (it always sends `anthropic-version`) reads Anthropic's list shape.
        let anthropicClient = request.header("anthropic-version") != nil
        func entry(_ model: (id: String, kind: String)) -> JSONNode {
            let node = JSONNode.object()
            node.set("id", model.id)
            if anthropicClient {
                node.set("type", "model")
                node.set("display_name", model.id)
                node.set("created_at", "1970-01-01T00:00:00Z")
            } else {
                node.set("object", "model")
                node.set("created", 0)
                node.set("owned_by", model.kind)
            }
            return node
        }
        if path.hasSuffix("/models") {
            let list = JSONNode.object(), data = JSONNode.array()
            for model in models { data.append(entry(model)) }
            list.set("data", data)
            if anthropicClient {
                list.set("has_more", .bool(false))
                list.set("first_id", models.first.map { JSONNode.string($0.id) } ?? .null())
                list.set("last_id", models.last.map { JSONNode.string($0.id) } ?? .null())
            } else {
                list.set("object", "list")
            }
            return .json(200, list)
        }
        if let range = path.range(of: "/models/"), let found = models.first(where: { $0.id == String(path[range.upperBound...]) }) { return .json(200, entry(found)) }
        if anthropicClient { return .json(404, CompletionsToMessagesResponse.error(status: 404, body: Array("no such endpoint on an AI route: \(request.method) \(path)".utf8))) }
        return .openAIError(404, "no such endpoint on an AI route: \(request.method) \(path)", type: "not_found_error")
    }
}
