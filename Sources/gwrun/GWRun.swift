import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayIR
import GatewayRuntime
import Logging

@main
struct GWRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwrun",
        abstract: "Serve a route table compiled by gwc build.",
        discussion: """
            Secrets come from --secrets-dir, laid out as Kubernetes mounts a Secret
            (DIR/<namespace>/<name>/<key>), or from GWRUN_SECRET_<NAMESPACE>_<NAME>_<KEY>.
            One JSON access-log line per request goes to standard output.
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

    @Option(help: "Seconds to wait for an upstream answer (then 504).")
    var upstreamTimeout = 300

    func run() async throws {
        var logger = Logger(label: "gwrun")
        logger.logLevel = .info
        let loaded: RouteTable
        do {
            loaded = try RouteTable.open(path: table)
        } catch {
            FileHandle.standardError.write(Data("gwrun: \(table): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let plan: ServePlan
        let secrets: SecretStore
        do {
            plan = try ServePlan.make(table: loaded, gatewayName: gateway)
            secrets = try SecretStore.load(for: loaded, directory: secretsDir, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("gwrun: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var processor = RequestProcessor(table: loaded, secrets: secrets, client: client, gateway: plan.gateway)
        processor.setUpstreamTimeout(seconds: upstreamTimeout)
        let server = GatewayServer(
            processor: processor, listeners: plan.ports.map { GatewayServer.Listener(tablePort: $0, bindPort: $0 + portOffset) },
            address: listenAddress, adminPort: adminPort, maxBodyBytes: maxBodyBytes, logger: logger)
        let ports = plan.ports.map { String($0 + portOffset) }.joined(separator: ", ")
        do {
            try await server.run {
                FileHandle.standardError.write(Data("gwrun: serving \(table) (crc32c \(String(format: "%08x", loaded.checksum))) on \(listenAddress) port \(ports)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("gwrun: \(error)\n".utf8))
            try? await client.shutdown()
            throw ExitCode(1)
        }
        try await client.shutdown()
    }
}
