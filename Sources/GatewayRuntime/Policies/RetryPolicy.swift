import GatewayIR
import NIOCore

/// `traffic.retry` (Gateway API's HTTPRouteRetry): up to `attempts` more tries of a request whose
/// answer has a status in `codes`, each after `backoff`, within the request's timeout. A failure to
/// connect or to get an answer's head counts as 502, so `codes: [502]` retries those; with no
/// `codes`, connection failures and 503 are retried. An answer is retried only before any of it
/// went to the client: once its head is out, it is the answer.
struct RetryPolicy: Sendable, Equatable {
    var attempts: Int
    var codes: [Int]
    var backoff: TimeAmount

    init(attempts: Int, codes: [Int], backoff: TimeAmount) {
        self.attempts = attempts
        self.codes = codes
        self.backoff = backoff
    }

    init(_ record: RouteTable.PolicyRecord) {
        self.init(
            attempts: Int(record.retryAttempts), codes: record.retryCodes.compactMap { Int($0) },
            backoff: .milliseconds(Int64(record.retryBackoffMilliseconds ?? 0)))
    }

    func retries(status: Int) -> Bool { codes.isEmpty ? status == 502 || status == 503 : codes.contains(status) }
}
