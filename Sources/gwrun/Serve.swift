import ArgumentParser
import Foundation
import GatewayIR
import GatewayRuntime
import Logging
import NIOConcurrencyHelpers
import NIOCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a route table compiled by gwc build (the default: `gwrun --table ...`).",
        discussion: """
            Secrets come from --secrets-dir, laid out as Kubernetes mounts a Secret
            (DIR/<namespace>/<name>/<key>), or from GWRUN_SECRET_<NAMESPACE>_<NAME>_<KEY>.
            One JSON access-log line per request goes to standard output.
            GWRUN_THREADS sets the number of event loops (default: one per core).
            """)

    @Option(help: "The route table (gwc build -o).")
    var table: String

    @Option(help: "Directory of mounted Secrets: DIR/<namespace>/<name>/<key>.")
    var secretsDir: String?

    @Option(help: "Address to listen on.")
    var listenAddress = "0.0.0.0"

    @Option(help: "Added to every listener port (to run unprivileged or beside another gateway).")
    var portOffset = 0

    @Option(help: "NAMESPACE/NAME of the Gateway to serve when the table holds several.")
    var gateway: String?

    @Option(help: "Port of the admin listener (/healthz, /readyz).")
    var adminPort: Int?

    @Option(help: "Largest request body accepted, in bytes (larger: 413).")
    var maxBodyBytes = 10 << 20

    @Option(help: "Seconds to wait for an upstream answer (then 504); a route's or backend's shorter timeout wins.")
    var upstreamTimeout = 300

    @Option(help: "Seconds opening a connection to an upstream may take (then 502); apart from --upstream-timeout.")
    var connectTimeout = 5

    @Option(help: "Connections gwrun opens at most to one AI provider endpoint; more requests wait for one, up to their own timeout.")
    var upstreamConnections = 256

    @Option(help: "A PEM file of CA certificates trusted for TLS to providers, besides the system's (repeatable).")
    var upstreamCAFile: [String] = []

    @Option(help: "Largest request head (request line and headers) accepted, in bytes (larger: 431).")
    var maxHeaderBytes = 64 << 10

    @Option(help: "Most header fields accepted in one request (more: 431).")
    var maxHeaderCount = 100

    @Option(help: "Seconds a keep-alive connection may stay idle before it is closed.")
    var idleTimeout = 60

    @Option(help: "Seconds a client has to send a request's head and body (then 408).")
    var requestReadTimeout = 30

    @Option(help: "Open client connections at most; more are answered 503 and closed. Default: half the file-descriptor limit less 32 (each may need an upstream connection).")
    var maxConnections: Int?

    @Option(help: "Peers whose PROXY protocol headers are believed, as CIDR ranges (comma-separated: 10.0.0.0/8,fd00::/8). Ports whose frontend policy asks for PROXY headers need it: from any other peer a header is refused.")
    var trustedProxies: String?

    @Option(help: "Append an audit record (hash-chained, fsynced before the answer's last byte) of every AI request and every refusal by a policy to this file (docs/audit.md).")
    var auditLog: String?

    @Option(help: "Rotate the audit log to FILE.<number> past this many bytes.")
    var auditMaxBytes = 64 << 20

    @Option(help: "Instead of an fsync before each answer's last byte, write each record before it and fsync at most this many milliseconds later (a killed gwrun loses nothing; a machine that loses power may lose that much). Default: fsync before each answer.")
    var auditSyncInterval: Int?

    @Option(help: "Export spans and the GenAI metrics over OTLP/HTTP (protobuf) to this collector (http://host:4318; /v1/traces and /v1/metrics are added).")
    var otlpEndpoint: String?

    @Option(help: "Share of requests without a sampled client trace that are traced, 0 to 1 (a client's sampled traceparent is always continued).")
    var otlpSamplingRatio = 1.0

    @Option(help: "Seconds between OTLP metric exports.")
    var otlpMetricsInterval = 60

    @Option(help: "Keep rate-limit buckets in this Redis (redis://host:port), shared by every gwrun replica that names it (docs/redis.md).")
    var redis: String?

    @Option(help: "A file holding the Redis password (a mounted Secret); never a command-line argument.")
    var redisPasswordFile: String?

    @Option(help: "Milliseconds a Redis call may take; past it the call counts as failed (see --redis-failure-mode).")
    var redisTimeoutMs = 5

    @Option(help: "When Redis fails or is late: FailOpen decides with this replica's own buckets, FailClosed answers 503.")
    var redisFailureMode = "FailOpen"

    @Option(help: "What gwrun logs to standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        for (name, value) in [
            ("--upstream-timeout", upstreamTimeout), ("--idle-timeout", idleTimeout), ("--request-read-timeout", requestReadTimeout), ("--max-header-count", maxHeaderCount),
            ("--connect-timeout", connectTimeout), ("--upstream-connections", upstreamConnections),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
        if maxHeaderBytes < 1024 { throw ValidationError("--max-header-bytes must be at least 1024 (got \(maxHeaderBytes))") }
        if maxBodyBytes < 0 { throw ValidationError("--max-body-bytes cannot be negative (got \(maxBodyBytes))") }
        if portOffset < 0 || portOffset > 65535 { throw ValidationError("--port-offset must be between 0 and 65535 (got \(portOffset))") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical (got \(logLevel))") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1 (got \(maxConnections))") }
        if let auditSyncInterval, !(1...60_000).contains(auditSyncInterval) { throw ValidationError("--audit-sync-interval must be 1 to 60000 milliseconds (got \(auditSyncInterval))") }
        if auditMaxBytes < 4096 { throw ValidationError("--audit-max-bytes must be at least 4096 (got \(auditMaxBytes))") }
        _ = try trustedProxyRanges()
        if !(0...1).contains(otlpSamplingRatio) { throw ValidationError("--otlp-sampling-ratio must be between 0 and 1 (got \(otlpSamplingRatio))") }
        if otlpMetricsInterval < 1 { throw ValidationError("--otlp-metrics-interval must be at least 1 (got \(otlpMetricsInterval))") }
        if let redis { do { _ = try RedisClient.Address(url: redis) } catch { throw ValidationError("--redis: \(error)") } }
        if redisPasswordFile != nil, redis == nil { throw ValidationError("--redis-password-file needs --redis") }
        if redisTimeoutMs < 1 || redisTimeoutMs > 10_000 { throw ValidationError("--redis-timeout-ms must be between 1 and 10000 (got \(redisTimeoutMs))") }
        if SharedRateLimits.FailureMode(rawValue: redisFailureMode) == nil { throw ValidationError("--redis-failure-mode must be FailOpen or FailClosed (got \(redisFailureMode))") }
        if let otlpEndpoint, !(otlpEndpoint.hasPrefix("http://") || otlpEndpoint.hasPrefix("https://")) || URL(string: otlpEndpoint)?.host == nil {
            throw ValidationError("--otlp-endpoint must be an http:// or https:// URL such as http://otel-collector:4318 (got \(otlpEndpoint))")
        }
    }

    /// `--trusted-proxies` as networks; an entry that is not one is a usage error naming it.
    func trustedProxyRanges() throws -> [CIDRBlock] {
        try (trustedProxies ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            guard let block = CIDRBlock(entry) else { throw ValidationError("--trusted-proxies: \(entry) is not an IPv4 or IPv6 network (such as 10.0.0.0/8)") }
            return block
        }
    }

    func run() async throws {
        GatewayLogHandler.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "gwrun")
        let environment = ProcessInfo.processInfo.environment
        // AI providers over the per-loop pools plain routes use, bounded per endpoint; remote JWT
        // key sets are fetched with it too.
        let client = UpstreamClient(connectSeconds: connectTimeout, maxConnectionsPerEndpoint: upstreamConnections, additionalCAFiles: upstreamCAFile)
        let state: TableState
        do {
            let limits = RateLimitStore()
            let log: @Sendable (String) -> Void = { Logger(label: "gwrun").warning("\($0)") }
            let first = try await TableState.load(
                path: table, gatewayName: gateway, secretsDirectory: secretsDir, environment: environment, generation: 1, limits: limits, client: client, log: log)
            state = TableState(first, limits: limits, client: client, log: log)
        } catch {
            logger.error("\(table): \(error)")
            throw ExitCode(1)
        }
        let snapshot = state.snapshot
        for warning in snapshot.policies.warnings { logger.warning("\(warning)") }
        for line in snapshot.notServed { logger.warning("\(line): gwrun serves HTTP and HTTPS (Terminate) listeners only") }
        let metrics = GatewayMetrics()
        metrics.bootstrapSwiftMetrics()
        metrics.tableLoaded(generation: snapshot.generation)
        var processor = RequestProcessor(state: state, client: client)
        processor.recordsAuditContent = auditLog != nil
        processor.setUpstreamTimeout(seconds: upstreamTimeout)
        processor.setConnectTimeout(seconds: connectTimeout)
        if let redis {
            do {
                processor.sharedLimits = try sharedLimits(url: redis, logger: logger)
                logger.info("rate limits are shared through \(redis) (\(redisFailureMode) when it fails or takes over \(redisTimeoutMs) ms)")
            } catch {
                logger.error("\(error)")
                client.shutdown()
                throw ExitCode(1)
            }
        }
        // --otlp-endpoint wins over a frontend.tracing policy; the policy is read at start only.
        var telemetry: TelemetryExport?
        let tracingPolicy = snapshot.tracing
        if let options = otlpEndpoint.map({ TelemetryExport.Options(endpoint: $0, samplingRatio: otlpSamplingRatio, metricsInterval: .seconds(otlpMetricsInterval)) })
            ?? tracingPolicy.map(TelemetryExport.Options.init(policy:)) {
            if otlpEndpoint != nil, let tracingPolicy { logger.warning("--otlp-endpoint is used instead of the table's frontend.tracing (\(tracingPolicy.endpoint))") }
            do {
                let export = try TelemetryExport(options, metrics: metrics, logger: logger)
                if let factory = export.metricsFactory { metrics.exportGenAI(to: factory) }
                processor.tracer = export.tracer
                export.start()
                telemetry = export
                logger.info("tracing to \(options.tracesURL) (random sampling \(options.samplingRatio), client sampling \(options.clientSamplingRatio))")
            } catch {
                logger.error("\(otlpEndpoint.map { "--otlp-endpoint \($0)" } ?? "frontend.tracing"): \(error)")
                client.shutdown()
                throw ExitCode(1)
            }
        }
        let (path, gatewayName, directory) = (table, gateway, secretsDir)
        let watcher = TableWatcher(path: table, secretFiles: { state.snapshot.secrets.files }) { reason in
            // The watcher's own queue waits for the reload, so reloads never overlap; the reload's
            // work (jwt-kit's key loading) runs on the concurrency pool, never on this thread.
            let done = DispatchSemaphore(value: 0)
            let result = NIOLockedValueBox("")
            Task {
                let message = await state.reload(path: path, gatewayName: gatewayName, secretsDirectory: directory, environment: environment)
                result.withLockedValue { $0 = message }
                done.signal()
            }
            done.wait()
            let message = result.withLockedValue { $0 }
            if message.hasPrefix("reloaded") {
                if state.snapshot.tracing != tracingPolicy {
                    logger.warning("the table's frontend.tracing changed; gwrun applies it at its next start (the spans still go where they went)")
                }
                metrics.tableLoaded(generation: state.snapshot.generation)
                metrics.secretsMissing(0)
                for warning in state.snapshot.policies.warnings { logger.warning("\(warning)") }
            } else {
                metrics.reloadFailed()
                metrics.secretsMissing(state.lastMissingSecrets)
            }
            logger.info("\(reason): \(message)")
        }
        watcher.start()
        let plan = (ports: snapshot.ports, checksum: snapshot.table.checksum)
        var server = GatewayServer(
            processor: processor, listeners: plan.ports.map { GatewayServer.Listener(tablePort: $0, bindPort: $0 + portOffset) },
            address: listenAddress, adminPort: adminPort, maxBodyBytes: maxBodyBytes, logger: logger)
        server.metrics = metrics
        server.setLimits(maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount, idleSeconds: idleTimeout, requestReadSeconds: requestReadTimeout)
        server.maxConnections = maxConnections ?? GatewayServer.defaultMaxConnections()
        server.trustedProxies = try trustedProxyRanges()
        if let auditLog {
            do {
                server.audit = try AuditLog(path: auditLog, maxBytes: auditMaxBytes, syncInterval: auditSyncInterval.map { Double($0) / 1000 }) { metrics.auditCommitted(records: $0, failed: $1) }
            } catch {
                logger.error("--audit-log \(auditLog): \(error)")
                client.shutdown()
                throw ExitCode(1)
            }
        }
        if !snapshot.proxyProtocol.isEmpty, server.trustedProxies.isEmpty {
            logger.warning("ports \(snapshot.proxyProtocol.keys.sorted().map { String($0 + portOffset) }.joined(separator: ", ")) expect PROXY headers (frontend.proxyProtocol), and no --trusted-proxies is given: every header is refused")
        }
        let ports = plan.ports.map { String($0 + portOffset) + (snapshot.tls.tlsPorts.contains($0) ? " (TLS)" : "") }.joined(separator: ", ")
        do {
            try await server.run {
                logger.info("serving \(table) (crc32c \(String(format: "%08x", plan.checksum))) on \(listenAddress) port \(ports)")
            }
        } catch {
            logger.error("\(error)")
            client.shutdown()
            throw ExitCode(1)
        }
        watcher.stop()
        // Spans of the last requests go out before exit (swift-otel bounds it by its export timeout).
        await telemetry?.shutdown()
        client.shutdown()
    }

    /// The Redis store of `--redis`; the password is read from its file, never logged.
    private func sharedLimits(url: String, logger: Logger) throws -> SharedRateLimits {
        let address = try RedisClient.Address(url: url)
        var password: String?
        if let redisPasswordFile {
            guard let data = FileManager.default.contents(atPath: redisPasswordFile), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--redis-password-file \(redisPasswordFile): cannot be read")
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        return SharedRateLimits(
            address: address, password: password, timeoutMilliseconds: redisTimeoutMs, failureMode: SharedRateLimits.FailureMode(rawValue: redisFailureMode) ?? .failOpen,
            report: { line in Logger(label: "gwrun").warning("redis \(address): \(line)") })
    }
}
