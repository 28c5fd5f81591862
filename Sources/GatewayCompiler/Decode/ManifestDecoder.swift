import GatewayIR

/// Turns loaded documents into typed objects: tells Kubernetes objects from Hermes configs by
/// content, checks each against its schema, applies CRD defaults and fills a `ResourceSet`.
public struct ManifestDecoder {
    /// Namespace for namespaced objects that name none (what `kubectl apply` would use).
    public var defaultNamespace: String
    var result = DecodeResult()

    static let clusterScopedKinds: Set<String> = ["GatewayClass", "Namespace"]
    /// Top-level keys that mark a document as a Hermes config.
    static let hermesMarkers: Set<String> = [
        "model", "providers", "custom_providers", "fallback_providers", "fallback_model", "delegation", "auxiliary",
        "toolsets", "_config_version", "agent", "terminal", "platforms", "mcp_servers",
    ]

    public init(defaultNamespace: String = "default") { self.defaultNamespace = defaultNamespace }

    public static func decode(_ documents: [Document], defaultNamespace: String = "default") -> DecodeResult {
        var decoder = ManifestDecoder(defaultNamespace: defaultNamespace)
        for document in documents { decoder.decode(document) }
        return decoder.result
    }

    mutating func decode(_ document: Document) {
        result.documentCount += 1
        guard let root = document.root else { return }
        let reader = NodeReader(document: document)
        guard case .mapping(let entries, _) = root else {
            report(Diagnostic(
                .unrecognizedDocument, "document is \(root.shapeName), not a Kubernetes object or a Hermes config; skipped",
                at: reader.location(root)))
            return
        }
        let apiVersion = root["apiVersion"]?.scalarText
        let kind = root["kind"]?.scalarText
        if let apiVersion, let kind {
            if kind.hasSuffix("List"), root["items"] != nil {
                for item in reader.items(root, "items") { decodeObject(item, document: document) }
                return
            }
            decodeObject(root, document: document)
            return
        }
        if entries.contains(where: { Self.hermesMarkers.contains($0.key.text) }) {
            decodeHermes(root, document: document)
            return
        }
        let missing = apiVersion == nil ? "apiVersion" : "kind"
        report(Diagnostic(
            .unrecognizedDocument, "document has no `\(missing)` and no Hermes keys (model, providers, ...); skipped",
            at: reader.location(root), fix: "add `apiVersion:` and `kind:` if this is a Kubernetes object"))
    }

    mutating func report(_ diagnostic: Diagnostic) { result.diagnostics.append(diagnostic) }
    mutating func report(_ diagnostics: [Diagnostic]) { result.diagnostics.append(contentsOf: diagnostics) }

    private mutating func decodeObject(_ root: Node, document: Document) {
        let reader = NodeReader(document: document)
        guard case .mapping = root, let apiVersion = root["apiVersion"]?.scalarText, let kind = root["kind"]?.scalarText else {
            report(Diagnostic(.missingField, "list item needs `apiVersion` and `kind`", at: reader.location(root)))
            return
        }
        let meta = decodeMeta(root, kind: kind, reader: reader)
        let objectName = "\(kind) \(meta.namespace.isEmpty ? meta.name : "\(meta.namespace)/\(meta.name)")"
        if apiVersion == "apps/v1", kind == "Deployment", !meta.name.isEmpty, let deployment = Self.decodeGwrunDeployment(root, meta: meta, reader: reader) {
            result.objectCount += 1
            result.resources.gwrunDeployments.append(deployment)
            return
        }
        guard let schema = StructuralSchema.forKind(apiVersion: apiVersion, kind: kind) else {
            let versions = StructuralSchema.apiVersions(ofKind: kind)
            if versions.isEmpty {
                result.resources.skippedKinds["\(apiVersion)/\(kind)", default: 0] += 1
                if apiVersion.hasPrefix(APIGroup.gateway + "/"), ["TLSRoute", "TCPRoute", "UDPRoute", "GRPCRoute"].contains(kind) {
                    // A route kind agentgateway serves and gwrun does not: traffic it names gets nowhere.
                    report(Diagnostic(
                        .notEnforced, "\(kind) is not served by gwrun: no listener carries its traffic (gwrun serves HTTPRoutes on HTTP and HTTPS listeners)",
                        at: reader.location(root), fix: "serve it with another gateway, or use an HTTPRoute", object: objectName))
                } else {
                    report(Diagnostic(.skippedKind, "\(apiVersion) \(kind) is not a kind gwc checks; skipped", at: reader.location(root), object: objectName))
                }
            } else {
                report(Diagnostic(
                    .unsupportedAPIVersion, "apiVersion \"\(apiVersion)\" is not served for \(kind); gwc knows \(versions.joined(separator: ", "))",
                    at: reader.location(root["apiVersion"]), fix: "use apiVersion: \(versions.last ?? "")", object: objectName))
            }
            return
        }
        var validator = SchemaValidator(document: document, object: objectName)
        validator.validate(root, against: schema, path: "")
        // An unknown enum value in a route makes a controller reject it (spec: UnsupportedValue).
        report(validator.diagnostics.map { diagnostic in
            var diagnostic = diagnostic
            if kind == "HTTPRoute", diagnostic.code == .unsupportedValue { diagnostic.condition = "Accepted=False/UnsupportedValue" }
            return diagnostic
        })
        if meta.name.isEmpty {
            report(Diagnostic(.missingField, "\(kind) has no `metadata.name`", at: reader.location(root), fix: "add metadata.name", object: objectName))
            return
        }
        result.objectCount += 1
        switch kind {
        case "GatewayClass":
            result.resources.gatewayClasses.append(GatewayClass(meta: meta, controllerName: reader.string(root["spec"], "controllerName") ?? ""))
        case "Gateway": result.resources.gateways.append(decodeGateway(root, meta: meta, reader: reader))
        case "HTTPRoute": result.resources.httpRoutes.append(decodeHTTPRoute(root, meta: meta, reader: reader))
        case "ReferenceGrant": result.resources.referenceGrants.append(decodeReferenceGrant(root, meta: meta, reader: reader))
        case "Secret": result.resources.secrets.append(decodeSecret(root, meta: meta, reader: reader))
        case "Service": result.resources.services.append(decodeService(root, meta: meta, reader: reader))
        case "Namespace": result.resources.namespaces.append(Namespace(meta: meta))
        case "AgentgatewayBackend": result.resources.backends.append(decodeBackend(root, meta: meta, reader: reader))
        case "AgentgatewayPolicy": result.resources.policies.append(decodePolicy(root, meta: meta, reader: reader))
        case Budget.kind: result.resources.budgets.append(decodeBudget(root, meta: meta, reader: reader))
        case BackendTLSPolicy.kind: result.resources.backendTLSPolicies.append(decodeBackendTLSPolicy(root, meta: meta, reader: reader))
        case "ConfigMap": result.resources.configMaps.append(decodeConfigMap(root, meta: meta, reader: reader))
        default: result.objectCount -= 1
        }
    }

    private func decodeMeta(_ root: Node, kind: String, reader: NodeReader) -> ObjectMeta {
        let metadata = root["metadata"]
        let namespace = Self.clusterScopedKinds.contains(kind) ? "" : (reader.string(metadata, "namespace") ?? defaultNamespace)
        return ObjectMeta(
            name: reader.string(metadata, "name") ?? "", namespace: namespace,
            labels: reader.stringMap(metadata?["labels"]), annotations: reader.stringMap(metadata?["annotations"]),
            creationTimestamp: reader.string(metadata, "creationTimestamp"), location: reader.location(root),
            nameLocation: metadata?["name"].map { reader.location($0) })
    }
}
