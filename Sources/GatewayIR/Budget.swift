/// `gwc.dev/v1alpha1` Budget (gwc's own kind: agentgateway's CRDs have no field for it): token
/// or cost limits per client identity over calendar windows, attached like an
/// AgentgatewayPolicy. docs/budgets.md describes it; `schemas/crds/gwc.dev_budgets.yaml` is its CRD.
public struct Budget: Sendable, Hashable {
    public enum Window: String, Sendable, CaseIterable {
        case day = "Day", week = "Week", month = "Month"
    }

    /// One limit: tokens (input plus output) or cost (in the prices' currency, a decimal) per window.
    public struct Limit: Sendable, Hashable {
        public var window: String
        public var tokens: Int?
        public var cost: String?
        public var location: SourceLocation
        public init(window: String, tokens: Int?, cost: String?, location: SourceLocation) {
            self.window = window
            self.tokens = tokens
            self.cost = cost
            self.location = location
        }
    }

    /// What a model's tokens cost, per million, as decimals; model `*` prices every other model.
    public struct Price: Sendable, Hashable {
        public var model: String
        public var input: String
        public var output: String
        public var location: SourceLocation
        public init(model: String, input: String, output: String, location: SourceLocation) {
            self.model = model
            self.input = input
            self.output = output
            self.location = location
        }
    }

    public static let apiVersion = "gwc.dev/v1alpha1"
    public static let kind = "Budget"

    public var meta: ObjectMeta
    public var targetRefs: [AgentgatewayPolicy.TargetRef]
    /// The IANA zone whose midnights start the windows.
    public var timeZone: String
    public var timeZoneLocation: SourceLocation?
    public var limits: [Limit]
    public var prices: [Price]

    public init(meta: ObjectMeta, targetRefs: [AgentgatewayPolicy.TargetRef], timeZone: String, timeZoneLocation: SourceLocation?, limits: [Limit], prices: [Price]) {
        self.meta = meta
        self.targetRefs = targetRefs
        self.timeZone = timeZone
        self.timeZoneLocation = timeZoneLocation
        self.limits = limits
        self.prices = prices
    }

    public var key: ObjectKey { ObjectKey(group: "gwc.dev", kind: Self.kind, namespace: meta.namespace, name: meta.name) }

    /// Millionths as the decimal a manifest writes (`2500000` → `2.50`, `1` → `0.000001`).
    public static func amountText(micros: Int64) -> String {
        let whole = micros / 1_000_000, fraction = micros % 1_000_000
        guard fraction != 0 else { return "\(whole).00" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.count > 2, digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// A decimal amount (`"2.50"`) in millionths, exactly; nil for anything else (a sign, an
    /// exponent, more than six decimals, a million or more: counted in millionths of millionths,
    /// a budget must stay within 64 bits).
    public static func micros(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 6, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        guard let units = Int64(whole), let millionths = Int64(fraction) else { return nil }
        return units * 1_000_000 + millionths
    }
}
