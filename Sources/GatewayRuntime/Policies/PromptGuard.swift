/// The prompt guards of a rule (`backend.ai.promptGuard` of the winning policy or backend): the
/// request rules run on the text of a request's messages before it goes to the provider, the
/// response rules on the text of its answer (buffered, or streamed through `StreamGuard`).
struct PromptGuard: Sendable {
    var request: [PromptGuardRule] = []
    var response: [PromptGuardRule] = []

    enum Verdict {
        case pass
        /// The text was changed: the Mask rules that matched.
        case masked([PromptGuardRule])
        case rejected(PromptGuardRule)
    }

    /// Applies `rules` to one text: a Reject rule that matches refuses it; Mask rules replace
    /// their matches, in rule order.
    static func inspect(_ text: String, rules: [PromptGuardRule]) -> (verdict: Verdict, text: String) {
        var text = text
        var matched: [PromptGuardRule] = []
        for rule in rules {
            let findings = rule.findings(in: text)
            guard !findings.isEmpty else { continue }
            if rule.action == .reject { return (.rejected(rule), text) }
            text = PromptGuardRule.masked(text, findings)
            matched.append(rule)
        }
        return (matched.isEmpty ? .pass : .masked(matched), text)
    }

    /// The keys whose string values are message text, in every format gwrun serves: Chat
    /// Completions (`messages[].content`, text parts), Messages (`system`, content blocks' `text`,
    /// tool results), Responses (`input`, `instructions`), embeddings and legacy `prompt`.
    static let textKeys: Set<String> = ["content", "text", "system", "input", "instructions", "prompt"]

    /// Applies `rules` to every message text of a JSON body, in place; the first rejection stops.
    static func apply(_ rules: [PromptGuardRule], to body: JSONNode) -> Verdict {
        var masking: [PromptGuardRule] = []
        func visit(_ node: JSONNode, underText: Bool) -> PromptGuardRule? {
            if node.isString, underText, let text = node.string {
                let (verdict, changed) = inspect(text, rules: rules)
                switch verdict {
                case .rejected(let rule): return rule
                case .masked(let rules):
                    node.replaceString(changed)
                    for rule in rules where !masking.contains(where: { $0.id == rule.id }) { masking.append(rule) }
                case .pass: break
                }
            } else if node.isArray {
                for element in node.elements { if let rule = visit(element, underText: underText) { return rule } }
            } else if node.isObject {
                for key in node.keys {
                    guard let child = node[key] else { continue }
                    if let rule = visit(child, underText: textKeys.contains(key)) { return rule }
                }
            }
            return nil
        }
        if let rejected = visit(body, underText: false) { return .rejected(rejected) }
        return masking.isEmpty ? .pass : .masked(masking)
    }

    /// The answer to a rejected request or response: the rule's status, in OpenAI's error shape.
    static func refusal(_ rule: PromptGuardRule) -> GatewayResponse {
        let error = JSONNode.object()
        error.set("message", rule.rejectMessage)
        error.set("type", "invalid_request_error")
        error.set("code", "content_rejected")
        let body = JSONNode.object()
        body.set("error", error)
        return .json(rule.rejectStatus, body)
    }
}
