import GatewayIR

extension ManifestDecoder {
    func decodeGateway(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> Gateway {
        let spec = root["spec"]
        let listeners = reader.items(spec, "listeners").map { node -> Listener in
            var tls: ListenerTLS?
            if let tlsNode = node["tls"], !tlsNode.isNull {
                tls = ListenerTLS(
                    mode: reader.string(tlsNode, "mode") ?? "Terminate",
                    certificateRefs: reader.items(tlsNode, "certificateRefs").map { ref in
                        SecretObjectReference(
                            group: reader.string(ref, "group") ?? "", kind: reader.string(ref, "kind") ?? "Secret",
                            name: reader.string(ref, "name") ?? "", namespace: reader.string(ref, "namespace"), location: reader.location(ref))
                    })
            }
            let allowed = node["allowedRoutes"]
            let namespaces = allowed?["namespaces"]
            let selector = namespaces?["selector"].map { decodeSelector($0, reader: reader) }
            let allowedRoutes = AllowedRoutes(
                namespacesFrom: reader.string(namespaces, "from") ?? "Same", namespaceSelector: selector,
                kinds: reader.items(allowed, "kinds").map {
                    RouteGroupKind(group: reader.string($0, "group") ?? APIGroup.gateway, kind: reader.string($0, "kind") ?? "")
                },
                location: reader.location(allowed ?? node))
            return Listener(
                name: reader.string(node, "name") ?? "", hostname: reader.string(node, "hostname"), port: reader.int(node, "port") ?? 0,
                protocol: reader.string(node, "protocol") ?? "", tls: tls, allowedRoutes: allowedRoutes, location: reader.location(node))
        }
        return Gateway(
            meta: meta, gatewayClassName: reader.string(spec, "gatewayClassName") ?? "",
            gatewayClassNameLocation: reader.location(spec?["gatewayClassName"] ?? root), listeners: listeners)
    }

    func decodeSelector(_ node: Node, reader: NodeReader) -> LabelSelector {
        LabelSelector(
            matchLabels: reader.stringMap(node["matchLabels"]),
            matchExpressions: reader.items(node, "matchExpressions").map {
                LabelSelector.Requirement(key: reader.string($0, "key") ?? "", operator: reader.string($0, "operator") ?? "", values: reader.strings($0, "values"))
            })
    }

    func decodeHTTPRoute(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> HTTPRoute {
        let spec = root["spec"]
        let parentRefs = reader.items(spec, "parentRefs").map { node in
            ParentReference(
                group: reader.string(node, "group") ?? APIGroup.gateway, kind: reader.string(node, "kind") ?? "Gateway",
                namespace: reader.string(node, "namespace"), name: reader.string(node, "name") ?? "",
                sectionName: reader.string(node, "sectionName"), port: reader.int(node, "port"), location: reader.location(node))
        }
        var rules = reader.items(spec, "rules").map { decodeRule($0, reader: reader) }
        if rules.isEmpty, !reader.has(spec, "rules") {
            let location = reader.location(spec ?? root)
            rules = [HTTPRouteRule(name: nil, matches: [.matchAll(at: location)], filters: [], backendRefs: [], timeouts: nil, location: location)]
        }
        return HTTPRoute(meta: meta, parentRefs: parentRefs, hostnames: reader.strings(spec, "hostnames"), rules: rules)
    }

    private func decodeRule(_ node: Node, reader: NodeReader) -> HTTPRouteRule {
        var matches = reader.items(node, "matches").map { match -> HTTPRouteMatch in
            let pathNode = match["path"]
            let path = PathMatch(
                type: reader.string(pathNode, "type") ?? "PathPrefix", value: reader.string(pathNode, "value") ?? "/",
                location: reader.location(pathNode?["value"] ?? pathNode ?? match))
            return HTTPRouteMatch(
                path: path, headers: reader.items(match, "headers").map { decodeValueMatch($0, reader: reader) },
                queryParams: reader.items(match, "queryParams").map { decodeValueMatch($0, reader: reader) },
                method: reader.string(match, "method"), location: reader.location(match))
        }
        if matches.isEmpty { matches = [.matchAll(at: reader.location(node))] }
        var timeouts: HTTPRouteTimeouts?
        if let timeoutNode = node["timeouts"], !timeoutNode.isNull {
            timeouts = HTTPRouteTimeouts(request: reader.string(timeoutNode, "request"), backendRequest: reader.string(timeoutNode, "backendRequest"))
        }
        return HTTPRouteRule(
            name: reader.string(node, "name"), matches: matches,
            filters: reader.items(node, "filters").map { decodeFilter($0, reader: reader) },
            backendRefs: reader.items(node, "backendRefs").map { decodeBackendRef($0, reader: reader) },
            timeouts: timeouts, location: reader.location(node))
    }

    private func decodeValueMatch(_ node: Node, reader: NodeReader) -> ValueMatch {
        ValueMatch(
            type: reader.string(node, "type") ?? "Exact", name: reader.string(node, "name") ?? "",
            value: reader.string(node, "value") ?? "", location: reader.location(node))
    }

    private func decodeBackendRef(_ node: Node, reader: NodeReader) -> HTTPBackendRef {
        HTTPBackendRef(
            group: reader.string(node, "group") ?? "", kind: reader.string(node, "kind") ?? "Service",
            name: reader.string(node, "name") ?? "", namespace: reader.string(node, "namespace"), port: reader.int(node, "port"),
            weight: reader.int(node, "weight") ?? 1, filters: reader.items(node, "filters").map { decodeFilter($0, reader: reader) },
            location: reader.location(node))
    }

    /// Gateway API's HTTPHeaderFilter (`set`, `add`, `remove`), as filters and policies write it.
    func decodeHeaderModifier(_ value: Node?, reader: NodeReader) -> HeaderModifier? {
        guard let value, !value.isNull else { return nil }
        func pairs(_ name: String) -> [HeaderValue] {
            reader.items(value, name).map { HeaderValue(name: reader.string($0, "name") ?? "", value: reader.string($0, "value") ?? "") }
        }
        return HeaderModifier(set: pairs("set"), add: pairs("add"), remove: reader.strings(value, "remove"))
    }

    private func decodeFilter(_ node: Node, reader: NodeReader) -> HTTPRouteFilter {
        var filter = HTTPRouteFilter(type: reader.string(node, "type") ?? "", location: reader.location(node))
        func modifier(_ key: String) -> HeaderModifier? { decodeHeaderModifier(node[key], reader: reader) }
        func pathModifier(_ node: Node?) -> PathModifier? {
            guard let node, !node.isNull else { return nil }
            return PathModifier(
                type: reader.string(node, "type") ?? "", replaceFullPath: reader.string(node, "replaceFullPath"),
                replacePrefixMatch: reader.string(node, "replacePrefixMatch"))
        }
        filter.requestHeaderModifier = modifier("requestHeaderModifier")
        filter.responseHeaderModifier = modifier("responseHeaderModifier")
        if let redirect = node["requestRedirect"], !redirect.isNull {
            filter.requestRedirect = RequestRedirect(
                scheme: reader.string(redirect, "scheme"), hostname: reader.string(redirect, "hostname"),
                path: pathModifier(redirect["path"]), port: reader.int(redirect, "port"), statusCode: reader.int(redirect, "statusCode") ?? 302)
        }
        if let rewrite = node["urlRewrite"], !rewrite.isNull {
            filter.urlRewrite = URLRewrite(hostname: reader.string(rewrite, "hostname"), path: pathModifier(rewrite["path"]))
        }
        if let mirror = node["requestMirror"]?["backendRef"] {
            filter.requestMirror = decodeBackendRef(mirror, reader: reader)
            if let percent = reader.int(node["requestMirror"], "percent") {
                (filter.mirrorNumerator, filter.mirrorDenominator) = (percent, 100)
            } else if let fraction = node["requestMirror"]?["fraction"] {
                (filter.mirrorNumerator, filter.mirrorDenominator) = (reader.int(fraction, "numerator") ?? 0, reader.int(fraction, "denominator") ?? 100)
            }
        }
        if let cors = node["cors"], !cors.isNull { filter.cors = decodeCORS(cors, reader: reader) }
        if let ext = node["extensionRef"], !ext.isNull {
            filter.extensionRef = LocalObjectReference(group: reader.string(ext, "group") ?? "", kind: reader.string(ext, "kind") ?? "", name: reader.string(ext, "name") ?? "")
        }
        return filter
    }

    func decodeReferenceGrant(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> ReferenceGrant {
        let spec = root["spec"]
        return ReferenceGrant(
            meta: meta,
            from: reader.items(spec, "from").map {
                ReferenceGrant.From(group: reader.string($0, "group") ?? "", kind: reader.string($0, "kind") ?? "", namespace: reader.string($0, "namespace") ?? "")
            },
            to: reader.items(spec, "to").map {
                ReferenceGrant.To(group: reader.string($0, "group") ?? "", kind: reader.string($0, "kind") ?? "", name: reader.string($0, "name"))
            })
    }
}
