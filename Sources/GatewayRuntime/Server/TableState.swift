import Foundation
import GatewayIR
import NIOConcurrencyHelpers
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
    }

    private let current: NIOLockedValueBox<Snapshot>
    private let failures = NIOLockedValueBox(0)
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
        client: UpstreamClient? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> Snapshot {
        let table = try RouteTable.open(path: path)
        let plan = try ServePlan.make(table: table, gatewayName: gatewayName)
        let secrets = try SecretStore.load(for: table, directory: secretsDirectory, environment: environment)
        let policies = await PolicyRuntime.load(table: table, secrets: secrets, limits: limits, client: client, log: log)
        var snapshot = Snapshot(table: table, secrets: secrets, gateway: plan.gateway, ports: plan.ports, generation: generation, names: TableNames(table), policies: policies)
        for gateway in 0..<table.count(.gateways) where table.gateway(gateway).lanOnly && (plan.gateway == nil || plan.gateway == gateway) {
            snapshot.lanOnlyPorts.formUnion(table.gateway(gateway).listeners.map { table.listener($0).port })
        }
        return snapshot
    }

    /// Swaps in a new table when it verifies and serves the same ports (listeners are bound once).
    /// Returns a message for the log; the old table keeps serving on any failure.
    @discardableResult
    public func reload(path: String, gatewayName: String?, secretsDirectory: String?, environment: [String: String]) async -> String {
        let old = snapshot
        do {
            let new = try await Self.load(path: path, gatewayName: gatewayName, secretsDirectory: secretsDirectory, environment: environment, generation: old.generation + 1, limits: limits, client: client, log: log)
            guard new.ports == old.ports else {
                failures.withLockedValue { $0 += 1 }
                return "reload refused: the new table listens on ports \(new.ports), this process on \(old.ports); restart gwrun to change listeners"
            }
            current.withLockedValue { $0 = new }
            servedGeneration.store(new.generation, ordering: .releasing)
            limits.retain(new.policies.bucketKeys)
            return "reloaded \(path): generation \(new.generation), crc32c \(String(format: "%08x", new.table.checksum))"
        } catch {
            failures.withLockedValue { $0 += 1 }
            return "reload refused, still serving generation \(old.generation): \(error)"
        }
    }
}
