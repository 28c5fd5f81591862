import GatewayIR
@testable import GatewayRuntime
import Testing

/// A backend's `ai.defaults`, `ai.overrides` and `ai.prompt` on each client format.
@Suite struct RequestEditorTests {
    static let edits: [RequestEditor.Edit] = [
        (.default, "temperature", "0.3"), (.default, "max_tokens", "100"), (.override, "metadata", #"{"user_id":"gw"}"#),
        (.prepend, "system", "Answer in French."), (.append, "user", "One line."), (nil, "future", "x"),
    ]

    @Test func chatCompletionsGetFieldsAndMessages() throws {
        let body = try JSONNode.parse(#"{"model": "m", "max_tokens": 5, "metadata": {"user_id": "client"}, "messages": [{"role": "user", "content": "hi"}]}"#)
        RequestEditor.apply(Self.edits, to: body, routeType: "Completions")
        #expect(body["temperature"]?.double == 0.3)
        #expect(body["max_tokens"]?.int == 5)  // the client's value stays: a default
        #expect(body["metadata"]?["user_id"]?.string == "gw")  // an override wins
        #expect(body["messages"]?.elements.map { $0["role"]?.string ?? "" } == ["system", "user", "user"])
        #expect(body["messages"]?.elements.first?["content"]?.string == "Answer in French.")
        #expect(body["messages"]?.elements.last?["content"]?.string == "One line.")
        #expect(body["future"] == nil)
    }

    @Test func messagesJoinTheSystemPrompt() throws {
        let text = try JSONNode.parse(#"{"system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}"#)
        RequestEditor.apply(Self.edits, to: text, routeType: "Messages")
        #expect(text["system"]?.string == "Answer in French.\nBe brief.")
        #expect(text["messages"]?.elements.map { $0["role"]?.string ?? "" } == ["user", "user"])
        let blocks = try JSONNode.parse(#"{"system": [{"type": "text", "text": "Be brief."}], "messages": []}"#)
        RequestEditor.apply(Self.edits, to: blocks, routeType: "Messages")
        #expect(blocks["system"]?.elements.map { $0["text"]?.string ?? "" } == ["Answer in French.", "Be brief."])
    }

    @Test func responsesInputBecomesAListAroundTheClientsMessage() throws {
        let body = try JSONNode.parse(#"{"input": "hi"}"#)
        RequestEditor.apply(Self.edits, to: body, routeType: "Responses")
        #expect(body["input"]?.elements.map { $0["content"]?.string ?? "" } == ["Answer in French.", "hi", "One line."])
    }

    @Test func embeddingsGetFieldsOnly() throws {
        let body = try JSONNode.parse(#"{"input": ["a"]}"#)
        RequestEditor.apply(Self.edits, to: body, routeType: "Embeddings")
        #expect(body["input"]?.elements.count == 1)
        #expect(body["temperature"]?.double == 0.3)
    }

    @Test func valuesAreJSONOrElseStrings() {
        #expect(RequestEditor.value("[1,2]").elements.count == 2)
        #expect(RequestEditor.value(#""x""#).string == "x")
        #expect(RequestEditor.value("not json").string == "not json")
        #expect(RequestEditor.value("true").bool == true)
    }
}
