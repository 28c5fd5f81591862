import Dispatch
import GatewayIR
import NIOCore

/// RequestMirror filters (the rule's and the chosen backendRef's): a copy of the request, as it goes
/// upstream (headers and URL rewritten), is sent to the mirror backend and its answer thrown away,
/// fire and forget: the client's answer never waits for it, and a mirror that fails changes nothing.
/// A `percent` or `fraction` mirrors that share of requests.
struct MirrorStage: RequestStage {
    var name: String { "request mirror" }
    /// How long a mirrored request may take before it is dropped.
    static let timeout: TimeAmount = .seconds(30)

    func run(_ context: inout RequestContext, _ processor: RequestProcessor) -> StageResult {
        guard let rule = context.rule else { return .next }
        let table = processor.table
        // Most rules have no filter at all: nothing is scanned or allocated for them.
        let refFilters = context.backendRef.map { table.backendRef($0).filters } ?? 0..<0
        guard !table.rule(rule).filters.isEmpty || !refFilters.isEmpty else { return .next }
        var mirrors = table.filters(ofRule: rule, kind: .requestMirror)
        if let ref = context.backendRef, !refFilters.isEmpty { mirrors += table.filters(ofBackendRef: ref, kind: .requestMirror) }
        for (number, filter) in mirrors.enumerated() {
            let mirror = table.mirror(filter: filter)
            // Another draw than the weighted pick's, from the same per-connection generator.
            var draw = SplitMix64(seed: context.random &+ UInt64(number + 1) &* 0x9E37_79B9_7F4A_7C15)
            guard mirror.numerator >= mirror.denominator || draw.next() % mirror.denominator < mirror.numerator else { continue }
            guard let backend = mirror.backend else { continue }
            let record = table.backend(backend)
            // A mirror to a backend that asks for TLS gets it too: never its requests in clear.
            let tls = processor.upstreamTLS.context(record.tls)
            let port = mirror.port ?? record.port ?? (tls == nil ? 80 : 443)
            let host: String
            switch record.kind {
            case .service?: host = "\(record.name).\(record.namespace).svc.cluster.local"
            case .static?: host = record.host ?? ""
            default: continue  // gwc lint reports a mirror to another kind
            }
            send(ProviderEndpoint(scheme: tls == nil ? "http" : "https", host: host, port: port, path: context.target, tls: tls), context: context, client: processor.client)
        }
        return .next
    }

    private func send(_ endpoint: ProviderEndpoint, context: RequestContext, client: UpstreamClient) {
        let method = context.request.method, body = context.request.body
        let headers = [("host", context.hostRewrite ?? context.request.header("host") ?? endpoint.host)] + context.headers.filter { !HeaderName.matches($0.name, "host") }
        Task {
            guard let answer = try? await client.execute(method: method, endpoint: endpoint, headers: headers, body: body, deadline: .now() + Self.timeout) else { return }
            // Read to its end, so that the connection can serve again.
            do { for try await _ in answer.body {} } catch {}
        }
    }
}
