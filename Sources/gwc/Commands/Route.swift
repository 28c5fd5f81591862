import ArgumentParser
import Foundation
import GatewayCompiler
import GatewayIR

struct Route: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain where a request goes: listener, route, rule, match, backends, and why.",
        discussion: """
            The source is a table written by gwc build, or manifests (compiled in memory as a
            controller would program them, errors included).
            Example: gwc route routes.gwt --port 8080 --method POST --path /anthropic/chat/completions
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "A route table, or manifest files and directories.")
    var sources: [String]

    @Option(help: "Listener port the request arrives on.")
    var port: Int

    @Option(help: "Host header (a :port suffix is ignored). Defaults to an address that matches only listeners and routes without hostnames.")
    var host = "192.0.2.1"

    @Option(name: .shortAndLong, help: "HTTP method.")
    var method = "GET"

    @Option(help: "Request path; a ?query is split off.")
    var path: String

    @Option(name: .customShort("H"), help: "A request header, `name: value` (repeatable).")
    var header: [String] = []

    @Option(help: "A query parameter, `name=value` (repeatable).")
    var query: [String] = []

    @Option(help: "NAMESPACE/NAME of the Gateway that receives the request, when the table holds several.")
    var gateway: String?

    @Option(help: "Value that picks among weighted backends (0 picks the first share).")
    var random: UInt64 = 0

    @Option(name: .shortAndLong, help: "text or json.")
    var format: Format = .text

    @OptionGroup var options: InputOptions

    func run() throws {
        let table = try loadTable()
        var requestPath = path
        var queryPairs = query.map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        if let mark = requestPath.firstIndex(of: "?") {
            queryPairs += RouteRequest.parseQuery(String(requestPath[requestPath.index(after: mark)...]))
            requestPath = String(requestPath[..<mark])
        }
        let headers = try header.map { line -> (name: String, value: String) in
            guard let colon = line.firstIndex(of: ":") else { throw ValidationError("header \"\(line)\" must be `name: value`") }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        var gatewayIndex: Int?
        if let gateway {
            let wanted = gateway.split(separator: "/").map(String.init)
            gatewayIndex = (0..<table.count(.gateways)).first { index in
                let record = table.gateway(index)
                return "\(record.namespace)/\(record.name)" == gateway || (wanted.count == 1 && record.name == gateway)
            }
            guard gatewayIndex != nil else {
                StandardError.write("gwc route: the table has no Gateway \(gateway)\n")
                throw ExitCode(2)
            }
        }
        let request = RouteRequest(port: port, host: host, method: method, path: requestPath, headers: headers, query: queryPairs)
        let explanation = RouteExplanation.explain(table, request, gateway: gatewayIndex, random: random)
        switch format {
        case .text: print(explanation.text, terminator: "")
        case .json: print(JSONWriter.write(explanation.json))
        }
    }

    private func loadTable() throws -> RouteTable {
        if sources.count == 1, TableFile.looksLikeTable(sources[0]) {
            do {
                return try RouteTable.open(path: sources[0])
            } catch {
                StandardError.write("gwc route: \(sources[0]): \(error)\n")
                throw ExitCode(2)
            }
        }
        let result = Linter(options: options.lintOptions).lint(paths: sources)
        ExitKeeper.keep(result)
        if result.diagnostics.contains(where: { $0.code == .unreadableInput }) {
            StandardError.write(TextRenderer(colorize: false).render(result.diagnostics.filter { $0.code == .unreadableInput }, files: result.file(named:)))
            throw ExitCode(2)
        }
        let errors = result.count(.error)
        if errors > 0 { StandardError.write("gwc route: the manifests have \(errors) lint error\(errors == 1 ? "" : "s"); routing what a controller would program\n") }
        return try RouteTable(bytes: TableWriter.bytes(of: TableCompiler.compile(result)))
    }
}
