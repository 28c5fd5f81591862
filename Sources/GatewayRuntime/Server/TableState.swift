import Foundation
import GatewayIR
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// The table gwrun serves now. A request takes one snapshot when it starts and keeps it, so a
/// reload never changes a request half-way; the old table stays mapped until nothing holds it
/// (its last request ended, and each connection that used it has moved on: RouteTable unmaps in deinit).
public final class TableState: Sendable {
    public struct Snapshot: Sendable {
        public var table: RouteTable
        public var secrets: SecretStore
        public var gateway: Int?
        public var ports: [Int]
        public var generation: Int
        public var names: TableNames
        /// The table's policies, ready to enforce.
        public var policies: PolicyRuntime
        /// Table ports of LAN-only Gateways (`gwc.dev/exposure: lan`).
        public var lanOnlyPorts: Set<Int> = []
        /// Server contexts of the HTTPS listeners, by table port.
        public var tls = TLSTermination()
        /// Client contexts of the backends' TLS settings (docs/upstream-tls.md).
        public var upstreamTLS = UpstreamTLSContexts()
        /// Listeners not served (TLS, TCP, Passthrough), for the start-up log.
        public var notServed: [String] = []
        /// `frontend.proxyProtocol` by table port.
        public var proxyProtocol: [Int: FrontendSettings.ProxyProtocol] = [:]
        /// `networkAuthorization` rules by table port (ports without rules are absent).
        public var sourceRules: [Int: FrontendSettings] = [:]
        /// The served Gateways' `frontend.tracing` (the first Gateway's that has one), used when
        /// gwrun is started without --otlp-endpoint.
        public var tracing: FrontendPolicy.Tracing? {
            (gateway.map { [$0] } ?? Array(0..<table.count(.gateways))).lazy.compactMap { table.tracing(gateway: $0) }.first
        }

        /// Whether a client at `address` may connect to table port `port`; `reason` names what refused it.
        func admits(port: Int, address: SocketAddress) -> (admitted: Bool, reason: String) {
            if lanOnlyPorts.contains(port), !SourceRanges.isLAN(address) { return (false, "a LAN-only Gateway (gwc.dev/exposure: lan)") }
            if let rules = sourceRules[port], let bytes = SourceRanges.bytes(address), !rules.admits(bytes) {
                return (false, "port \(port)'s networkAuthorization (\(Set(rules.rules.map(\.policy)).sorted().joined(separator: ", ")))")
            }
            return (true, "")
        }
    }

    private let current: NIOLockedValueBox<Snapshot>
    private let failures = NIOLockedValueBox(0)
    private let missingSecrets = NIOLockedValueBox(0)
    /// Secret references the last refused reload could not read (0 after a good one).
    public var lastMissingSecrets: Int { missingSecrets.withLockedValue { $0 } }
    /// The generation being served, readable without the lock: a connection re-binds its
    /// processor only when this moved (the hot path takes no lock shared between threads).
    private let servedGeneration: Synchronization.Atomic<Int>

    /// Rate-limit buckets, kept across reloads.
    public let limits: RateLimitStore
    /// Fetches remote JWT key sets (the client provider calls use); their failures go to `log`.
    let client: UpstreamClient?
    let log: @Sendable (String) -> Void

    public init(_ snapshot: Snapshot, limits: RateLimitStore, client: UpstreamClient? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.limits = limits
        self.client = client
        self.log = log
        current = NIOLockedValueBox(snapshot)
        servedGeneration = Synchronization.Atomic(snapshot.generation)
    }

    public var generation: Int { servedGeneration.load(ordering: .acquiring) }

    public var snapshot: Snapshot { current.withLockedValue { $0 } }
    public var reloadFailures: Int { failures.withLockedValue { $0 } }

    /// Opens, verifies and prepares a table; throws without touching what is served.
    public static func load(
        path: String, gatewayName: String?, secretsDirectory: String?, environment: [String: String], generation: Int, limits: RateLimitStore,
        client: UpstreamClient? = nil, previous: Snapshot? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Snapshot {
        let table = try RouteTable.open(path: path)
        let plan = try ServePlan.make(table: table, gatewayName: gatewayName)
        let secrets = try SecretStore.load(for: table, directory: secretsDirectory, environment: environment)
        let policies = await PolicyRuntime.load(table: table, secrets: secrets, limits: limits, client: client, log: log)
        var snapshot = Snapshot(table: table, secrets: secrets, gateway: plan.gateway, ports: plan.ports, generation: generation, names: TableNames(table), policies: policies)
        for gateway in 0..<table.count(.gateways) where table.gateway(gateway).lanOnly && (plan.gateway == nil || plan.gateway == gateway) {
            snapshot.lanOnlyPorts.formUnion(table.gateway(gateway).listeners.map { table.listener($0).port })
        }
        for gateway in 0..<table.count(.gateways) where plan.gateway == nil || plan.gateway == gateway {
            for port in Set(table.gateway(gateway).listeners.map { table.listener($0).port }) where plan.ports.contains(port) {
                let settings = table.frontend(gateway: gateway, port: port)
                if !settings.rules.isEmpty { snapshot.sourceRules[port] = settings }
                if let proxy = settings.proxyProtocol { snapshot.proxyProtocol[port] = proxy }
            }
        }
        snapshot.notServed = plan.notServed
        snapshot.tls = try TLSTermination.load(table: table, secrets: secrets, gateway: plan.gateway, servedPorts: plan.ports)
        if let client { snapshot.upstreamTLS = try UpstreamTLSContexts(table: table, secrets: secrets, client: client, previous: previous?.upstreamTLS) }
        return snapshot
    }

    /// Swaps in a new table when it verifies and serves the same ports (listeners are bound once).
    /// Returns a message for the log; the old table keeps serving on any failure.
    @discardableResult
    public func reload(path: String, gatewayName: String?, secretsDirectory: String?, environment: [String: String]) async -> String {
        let old = snapshot
        do {
            let new = try await Self.load(path: path, gatewayName: gatewayName, secretsDirectory: secretsDirectory, environment: environment, generation: old.generation + 1, limits: limits, client: client, previous: old, log: log)
            guard new.ports == old.ports else {
                failures.withLockedValue { $0 += 1 }
                return "reload refused: the new table listens on ports \(new.ports), this process on \(old.ports); restart gwrun to change listeners"
            }
            current.withLockedValue { $0 = new }
            missingSecrets.withLockedValue { $0 = 0 }
            servedGeneration.store(new.generation, ordering: .releasing)
            limits.retain(new.policies.bucketKeys)
            return "reloaded \(path): generation \(new.generation), crc32c \(String(format: "%08x", new.table.checksum))"
        } catch {
            failures.withLockedValue { $0 += 1 }
            if let missing = error as? SecretStore.MissingSecret {
                missingSecrets.withLockedValue { $0 = missing.references.count }
                return "reload refused, still serving generation \(old.generation) with the last good secret values: \(error)"
            }
            return "reload refused, still serving generation \(old.generation): \(error)"
        }
    }
}
