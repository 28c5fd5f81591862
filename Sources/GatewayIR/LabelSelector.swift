/// A Kubernetes `metav1.LabelSelector`.
public struct LabelSelector: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public var key: String
        /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
        public var `operator`: String
        public var values: [String]
        public init(key: String, operator: String, values: [String]) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Whether a set of labels satisfies the selector. An empty selector matches everything.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in matchExpressions {
            let present = labels[requirement.key]
            switch requirement.operator {
            case "In": guard let present, requirement.values.contains(present) else { return false }
            case "NotIn": if let present, requirement.values.contains(present) { return false }
            case "Exists": if present == nil { return false }
            case "DoesNotExist": if present != nil { return false }
            default: return false
            }
        }
        return true
    }
}
