import Foundation
import GatewayIR

/// `frontend.tracing` as gwrun follows it: OTLP over HTTP to a `url` or to a Service in the
/// policy's namespace, sampling by constant ratios. What gwrun cannot follow (OTLP/gRPC, the
/// CRD's default protocol; a sampling expression that is not a constant; other backendRefs; a
/// policy limited to one port) is reported as not enforced (GW420) and sends no spans, so a
/// manifest never looks traced when it is not. A whole block gwrun cannot follow is reported at
/// its `tracing` key; a sampling expression that is not a constant at its own field.
extension ManifestDecoder {
    /// Enforced when they are constants, reported (GW420) when they are other CEL.
    static let constantOnlyFrontend: Set<String> = ["tracing.randomSampling", "tracing.clientSampling"]

    mutating func decodeTracing(_ node: Node, key: SourceLocation, reader: NodeReader, object: String, namespace: String, portLimited: Bool) -> FrontendPolicy.Tracing? {
        var usable = true
        let transport = reader.string(node, "protocol") ?? "GRPC"
        if transport != "HTTP" {
            let defaulted = reader.has(node, "protocol") ? "" : " (the CRD's default)"
            report(Diagnostic(
                .notEnforced, "`spec.frontend.tracing.protocol` is \(transport)\(defaulted); gwrun exports OTLP over HTTP only, so it sends no spans for this policy",
                at: key, fix: "set `protocol: HTTP` and point the policy at the collector's OTLP/HTTP port (4318)", object: object))
            usable = false
        }
        if portLimited {
            report(Diagnostic(
                .notEnforced, "`spec.frontend.tracing` on a policy limited to one port: gwrun traces a whole Gateway, so it sends no spans for this policy",
                at: key, fix: "target the Gateway without `port`, or use gwrun's --otlp-endpoint", object: object))
            usable = false
        }
        var base: String?
        if let url = reader.string(node, "url") {
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                base = url
            } else {
                report(Diagnostic(.invalidPolicy, "`spec.frontend.tracing.url` \(url) is not an http:// or https:// URL", at: reader.location(node["url"]),
                                  fix: "write it as http://collector:4318", object: object))
            }
        } else if let ref = node["backendRef"], !ref.isNull {
            let group = reader.string(ref, "group") ?? "", kind = reader.string(ref, "kind") ?? "Service"
            let refNamespace = reader.string(ref, "namespace") ?? namespace
            if group.isEmpty, kind == "Service", refNamespace == namespace, let name = reader.string(ref, "name"), let port = reader.int(ref, "port") {
                base = "http://\(name).\(namespace).svc.cluster.local:\(port)"
            } else {
                report(Diagnostic(
                    .notEnforced, "`spec.frontend.tracing.backendRef` names \(kind) \(refNamespace)/\(reader.string(ref, "name") ?? ""); gwrun reaches a collector by `url` or by a Service (with its `port`) in the policy's namespace only, so it sends no spans for this policy",
                    at: key, fix: "set `url: http://<collector>:4318`, or refer to a Service in \(namespace) with its port", object: object))
                usable = false
            }
        }
        let random = samplingRatio(node, "randomSampling", reader: reader, object: object)
        let client = samplingRatio(node, "clientSampling", reader: reader, object: object)
        guard usable, let base else { return nil }
        return FrontendPolicy.Tracing(endpoint: Self.tracesURL(base: base, path: reader.string(node, "path")), randomSampling: random, clientSampling: client)
    }

    /// The URL spans are posted to: `path` replaces the URL's own path; without either, `/v1/traces`.
    static func tracesURL(base: String, path: String?) -> String {
        let afterScheme = base.range(of: "://").map(\.upperBound) ?? base.startIndex
        let slash = base[afterScheme...].firstIndex(of: "/")
        let authority = String(base[..<(slash ?? base.endIndex)])
        let ownPath = slash.map { String(base[$0...]) } ?? ""
        if let path { return authority + path }
        return ownPath.isEmpty || ownPath == "/" ? authority + "/v1/traces" : base
    }

    /// A sampling field as a ratio: a number from 0 to 1, `true` (1) or `false` (0). Any other CEL
    /// is reported, and the field counts as unset (the CRD's default).
    private mutating func samplingRatio(_ node: Node, _ field: String, reader: NodeReader, object: String) -> Double? {
        guard let text = reader.string(node, field)?.trimmingCharacters(in: .whitespaces) else { return nil }
        if text == "true" { return 1 }
        if text == "false" { return 0 }
        if let value = Double(text), (0...1).contains(value) { return value }
        let fallback = field == "randomSampling" ? "random sampling stays off" : "every client trace is continued"
        report(Diagnostic(
            .notEnforced, "`spec.frontend.tracing.\(field)` is `\(text)`, which gwrun cannot evaluate (it reads a constant: a number from 0 to 1, true or false): \(fallback), the CRD's default",
            at: reader.location(node[field]), fix: "write a constant such as \"0.1\"", object: object))
        return nil
    }
}
