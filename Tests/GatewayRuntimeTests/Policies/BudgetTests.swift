import Foundation
import GatewayIR
import NIOCore
@testable import GatewayRuntime
import Testing

/// Budgets (gwc's Budget kind) through the request pipeline without sockets or Redis: checked
/// before the provider is called, charged after, per identity, with the window's end in the 429;
/// and their calendar windows and amounts on their own.
@Suite("Budgets")
struct BudgetTests {
    static let yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: agentgateway
          listeners: [{name: http, port: 8080, protocol: HTTP}]
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: keys, namespace: default}
        stringData: {alpha: key-alpha, beta: key-beta}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: provider, namespace: default}
        stringData: {Authorization: fake-provider-key}
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayBackend
        metadata: {name: llm, namespace: default}
        spec:
          ai: {provider: {openai: {model: gpt-4o}, host: 127.0.0.1, port: 9}}
          policies: {auth: {secretRef: {name: provider}}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: ai, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: llm, group: agentgateway.dev, kind: AgentgatewayBackend}]
        ---
        apiVersion: agentgateway.dev/v1alpha1
        kind: AgentgatewayPolicy
        metadata: {name: keys, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
          traffic: {apiKeyAuthentication: {secretRef: {name: keys}}}
        ---
        apiVersion: gwc.dev/v1alpha1
        kind: Budget
        metadata: {name: daily, namespace: default}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: ai}]
          limits: [{window: Day, tokens: 100}]
        """

    static func processor() throws -> RequestProcessor {
        let table = try RuntimeSetupTests.table(yaml)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-budget-\(UUID().uuidString)").path
        for (path, content) in ["default/keys/alpha": "key-alpha", "default/keys/beta": "key-beta", "default/provider/Authorization": "fake-provider-key"] {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return RequestProcessor(table: table, secrets: try SecretStore.load(for: table, directory: directory, environment: [:]), client: UpstreamClient(), gateway: nil)
    }

    /// Sends a chat request as `key`; an admitted one is answered with `tokens` tokens.
    static func send(_ processor: RequestProcessor, key: String, answeredWith tokens: Int = 60) -> (status: Int, response: GatewayResponse?) {
        let body = ByteBuffer(string: #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}"#)
        let request = IncomingRequest(method: "POST", target: "/v1/chat/completions", headers: [("authorization", "Bearer \(key)")], body: body, listenerPort: 8080)
        var record = AccessRecord()
        if case .answer(let response) = processor.route(request, random: 0, record: &record) { return (response.status, response) }
        record.inputTokens = tokens - 10
        record.outputTokens = 10
        RequestPipeline.answered(record, budgets: processor.budgets)
        return (200, nil)
    }

    @Test func anIdentitysAnswersAreChargedUntilItsBudgetIsSpent() throws {
        let processor = try Self.processor()
        #expect(Self.send(processor, key: "key-alpha").status == 200)  // 60 of 100
        #expect(Self.send(processor, key: "key-alpha").status == 200)  // admitted with room left: 120
        let refused = Self.send(processor, key: "key-alpha")
        #expect(refused.status == 429)
        #expect(Self.send(processor, key: "key-beta").status == 200, "another identity keeps its own budget")
        let response = try #require(refused.response)
        let headers = Dictionary(response.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let tomorrow = BudgetCalendar(zone: "UTC")?.window(.day, containing: Date()).end ?? 0
        #expect(headers["x-budget-reset"] == Date(timeIntervalSince1970: TimeInterval(tomorrow)).formatted(.iso8601))
        let retry = try #require(headers["retry-after"].flatMap(Int.init))
        #expect(retry >= 1 && retry <= 86_400)
        let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: [String: String]]
        #expect(body?["error"]?["code"] == "budget_exceeded")
        #expect(body?["error"]?["message"]?.contains("100 tokens per day (budget default/daily) for api-key:alpha") == true)
    }

    @Test func aRefusedRequestIsNotCharged() throws {
        let processor = try Self.processor()
        _ = Self.send(processor, key: "key-alpha", answeredWith: 100)
        for _ in 0..<3 { #expect(Self.send(processor, key: "key-alpha").status == 429) }
        #expect(processor.budgets.count == 1)
    }

    @Test func windowsFollowTheCalendarOfTheZone() throws {
        let utc = try #require(BudgetCalendar(zone: "UTC"))
        let wednesday = try #require(ISO8601DateFormatter().date(from: "2026-12-02T10:15:00Z"))
        let day = utc.window(.day, containing: wednesday), week = utc.window(.week, containing: wednesday), month = utc.window(.month, containing: wednesday)
        func iso(_ seconds: Int64) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }
        #expect([iso(day.start), iso(day.end)] == ["2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"])
        #expect([iso(week.start), iso(week.end)] == ["2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"], "weeks start on Monday")
        #expect([iso(month.start), iso(month.end)] == ["2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"])
        let berlin = try #require(BudgetCalendar(zone: "Europe/Berlin"))
        #expect(iso(berlin.window(.day, containing: wednesday).start) == "2026-12-01T23:00:00Z")
        let springForward = try #require(ISO8601DateFormatter().date(from: "2026-03-29T12:00:00Z"))
        let short = berlin.window(.day, containing: springForward)
        #expect(short.end - short.start == 23 * 3600, "the day clocks go forward has 23 hours")
        #expect(BudgetCalendar(zone: "Mars/Olympus") == nil)
    }

    @Test func amountsAreExactDecimals() {
        #expect(Budget.micros("2.50") == 2_500_000)
        #expect(Budget.micros("0.000001") == 1)
        #expect(Budget.micros("999999.999999") == 999_999_999_999)
        for bad in ["1e5", "-1", "1.", ".5", "1000000", "0.0000001", "1,5", ""] { #expect(Budget.micros(bad) == nil, "\(bad)") }
        #expect(Budget.amountText(micros: 2_500_000) == "2.50")
        #expect(Budget.amountText(micros: 3_200_000) == "3.20")
        #expect(Budget.amountText(micros: 1) == "0.000001")
    }

    @Test func aCostLimitPricesTheModelTheProviderNamedThenTheOneAskedForThenStar() throws {
        let table = try RuntimeSetupTests.table(Self.yaml.replacingOccurrences(
            of: "limits: [{window: Day, tokens: 100}]",
            with: #"limits: [{window: Month, cost: "1.00"}]\#n  prices: [{model: gpt-4o, input: "2", output: "8"}, {model: "*", input: "1", output: "1"}]"#))
        #expect(table.readVersion >= 5, "a table with a budget needs a reader that knows them")
        let record = try #require((0..<table.count(.policies)).map(table.policy).first { $0.kind == .budget })
        let limit = BudgetLimit(record, ordinal: 0)
        #expect(limit.limit == 1_000_000_000_000)
        #expect(limit.amount(inputTokens: 1000, outputTokens: 100, model: "gpt-4o-2024-08-06", requestedModel: "gpt-4o") == 1000 * 2_000_000 + 100 * 8_000_000)
        #expect(limit.amount(inputTokens: 1000, outputTokens: 100, model: "other", requestedModel: nil) == 1100 * 1_000_000)
    }
}
