import Foundation
import GatewayCompiler
import GatewayIR

/// Measures a route table built from a corpus made by scripts/gen-corpus.py: open-and-verify
/// time, and lookups per second on one core for a mixed request set, against a linear scan over
/// the IR (the same decisions, without the table's indexes).
/// usage: gwc-bench CORPUS-DIR TABLE
@main
enum LookupBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: gwc-bench CORPUS-DIR TABLE\n".utf8))
            exit(2)
        }
        let corpus = arguments[1], tablePath = arguments[2]

        var opens: [Double] = []
        for _ in 0..<25 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try RouteTable.open(path: tablePath)
            opens.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let table = try RouteTable.open(path: tablePath)
        let result = Linter().lint(paths: [corpus])
        let resolver = LinearScanBaseline(result: result)
        let requests = makeRequests(table: table)

        // Both sides must agree before their speed means anything.
        var agree = 0
        for request in requests {
            let viaTable = table.lookup(request.table, gateway: request.gatewayIndex)?.rule.map { table.word(.rules, $0, Field.Rule.ruleIndex) }
            let viaIR = resolver.resolve(request.ir, gateway: request.gatewayKey).map { UInt32($0.ruleIndex) }
            if viaTable == viaIR { agree += 1 }
        }

        let tableRate = measure(requests.count) { index in _ = table.lookup(requests[index].table, gateway: requests[index].gatewayIndex) }
        let irRate = measure(requests.count) { index in _ = resolver.resolve(requests[index].ir, gateway: requests[index].gatewayKey) }
        let median = opens.sorted()[opens.count / 2]
        print(String(format: "routes=%d table_bytes=%d open_verify_ms=%.3f table_lookups_per_s=%.0f ir_scan_lookups_per_s=%.0f speedup=%.1f agree=%d/%d",
                     table.count(.routes), table.size, median, tableRate, irRate, tableRate / irRate, agree, requests.count))
    }

    struct Request {
        var table: RouteRequest
        var ir: LinearScanBaseline.Request
        var gatewayIndex: Int
        var gatewayKey: ObjectKey
    }

    /// A mix: prefix hits with a header, exact GET hits, hits under a wildcard listener, and misses.
    static func makeRequests(table: RouteTable) -> [Request] {
        let routes = table.count(.routes)
        let namespaces = max(1, routes / 500)
        var generator = SystemRandomNumberGenerator()
        var requests: [Request] = []
        for sample in 0..<2000 {
            let i = Int.random(in: 0..<max(routes, 1), using: &generator)
            let namespace = "team-\(i % namespaces)"
            let port = i % 3 == 0 ? 8443 : 8080
            let host = "app-\(i).example.com"
            let (method, path, headers): (String, String, [(name: String, value: String)])
            switch sample % 4 {
            case 0, 1: (method, path, headers) = ("POST", "/v\(i % 7)/service-\(i)/chat/completions", [("x-tenant", "tenant-\(i % 13)")])
            case 2: (method, path, headers) = ("GET", "/health/\(i)", [])
            default: (method, path, headers) = ("GET", "/missing/\(i)", [])
            }
            guard let gatewayIndex = (0..<table.count(.gateways)).first(where: { table.string(table.word(.gateways, $0, Field.Gateway.namespace)) == namespace }) else { continue }
            requests.append(Request(
                table: RouteRequest(port: port, host: host, method: method, path: path, headers: headers),
                ir: LinearScanBaseline.Request(port: port, host: host, method: method, path: path, headers: Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })),
                gatewayIndex: gatewayIndex, gatewayKey: ObjectKey(group: APIGroup.gateway, kind: "Gateway", namespace: namespace, name: "gw")))
        }
        return requests
    }

    /// Lookups per second over about one second of repeated passes.
    static func measure(_ count: Int, _ body: (Int) -> Void) -> Double {
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed: UInt64 = 0
        while elapsed < 1_000_000_000 {
            for index in 0..<count { body(index) }
            done += count
            elapsed = DispatchTime.now().uptimeNanoseconds - start
        }
        return Double(done) / (Double(elapsed) / 1e9)
    }
}
