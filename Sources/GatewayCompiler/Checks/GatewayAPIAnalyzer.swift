import GatewayIR

/// Computes what a Gateway API controller would decide from the manifests alone: listener
/// validity and conflicts, route attachment per parentRef, backendRef resolution, and the
/// status conditions for each. Every finding also becomes a located diagnostic.
struct GatewayAPIAnalyzer {
    let index: ResourceIndex
    let options: LintOptions
    var report = StatusReport()
    var diagnostics: [Diagnostic] = []

    static let supportedProtocols: Set<String> = ["HTTP", "HTTPS", "TLS", "TCP"]
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    init(index: ResourceIndex, options: LintOptions) {
        self.index = index
        self.options = options
    }

    mutating func run() {
        var listenerValidity: [ObjectKey: [String: Bool]] = [:]
        var gatewayStatuses: [ObjectKey: GatewayStatus] = [:]
        for gateway in index.resources.gateways where index.gateways[gateway.key]?.meta.location == gateway.meta.location {
            let status = analyzeGateway(gateway)
            gatewayStatuses[gateway.key] = status
            var valid: [String: Bool] = [:]
            for listener in status.listeners {
                let accepted = listener.conditions.contains { $0.type == "Accepted" && $0.isTrue }
                let conflicted = listener.conditions.contains { $0.type == "Conflicted" && $0.isTrue }
                valid[listener.name] = accepted && !conflicted
            }
            listenerValidity[gateway.key] = valid
        }
        var attached: [ObjectKey: [String: Set<ObjectKey>]] = [:]
        for route in index.resources.httpRoutes where index.routes[route.key]?.meta.location == route.meta.location {
            let status = analyzeRoute(route, listenerValidity: listenerValidity)
            report.routes.append(status)
        }
        for attachment in report.attachments {
            attached[attachment.gateway, default: [:]][attachment.listenerName, default: []].insert(attachment.route)
        }
        for gateway in index.resources.gateways {
            guard var status = gatewayStatuses[gateway.key] else { continue }
            for index in status.listeners.indices {
                status.listeners[index].attachedRoutes = attached[gateway.key]?[status.listeners[index].name]?.count ?? 0
            }
            report.gateways.append(status)
            gatewayStatuses[gateway.key] = nil
        }
    }

    // MARK: Gateways and listeners

    private mutating func analyzeGateway(_ gateway: Gateway) -> GatewayStatus {
        let object = gateway.key.description
        checkGatewayClass(gateway)
        var statuses: [ListenerStatus] = []
        var seenNames: [String: SourceLocation] = [:]
        for listener in gateway.listeners {
            if let first = seenNames[listener.name] {
                diagnostics.append(Diagnostic(
                    .duplicateName, "listener name \"\(listener.name)\" is used twice in \(object)", at: listener.location,
                    notes: [DiagnosticNote("first used here", at: first)], fix: "give every listener a unique name", object: object))
            } else {
                seenNames[listener.name] = listener.location
            }
            if let hostname = listener.hostname { checkHostname(hostname, at: listener.location, object: object) }
            statuses.append(analyzeListener(listener, gateway: gateway))
        }
        applyConflicts(gateway, &statuses)
        applyOverlappingTLS(gateway, &statuses)
        let validCount = statuses.filter { status in status.conditions.first { $0.type == "Accepted" }?.isTrue == true && !status.conditions.contains { $0.type == "Conflicted" && $0.isTrue } }.count
        let conditions: [Condition]
        if validCount == statuses.count {
            conditions = [Condition("Accepted", true, "Accepted", "Gateway successfully accepted"), Condition("Programmed", true, "Programmed", "Gateway successfully programmed")]
        } else if validCount > 0 {
            conditions = [Condition("Accepted", true, "ListenersNotValid", "some listeners are not valid"), Condition("Programmed", true, "Programmed", "Gateway programmed with its valid listeners")]
        } else {
            conditions = [Condition("Accepted", false, "ListenersNotValid", "no listener is valid"), Condition("Programmed", false, "Invalid", "no listener is valid")]
        }
        return GatewayStatus(key: gateway.key, conditions: conditions, listeners: statuses)
    }

    private mutating func checkGatewayClass(_ gateway: Gateway) {
        let name = gateway.gatewayClassName
        if let gatewayClass = index.gatewayClasses[name] {
            if gatewayClass.controllerName != options.controllerName {
                diagnostics.append(Diagnostic(
                    .foreignGatewayClass,
                    "Gateway \(gateway.meta.namespace)/\(gateway.meta.name) uses GatewayClass \"\(name)\", whose controller is \"\(gatewayClass.controllerName)\", not \(options.controllerName)",
                    at: gateway.gatewayClassNameLocation, notes: [DiagnosticNote("GatewayClass defined here", at: gatewayClass.meta.location)],
                    fix: "set gatewayClassName: agentgateway, or check this Gateway with the tool of its own controller", object: gateway.key.description))
            }
        } else if !options.gatewayClassNames.contains(name) {
            diagnostics.append(Diagnostic(
                .foreignGatewayClass, "Gateway \(gateway.meta.namespace)/\(gateway.meta.name) uses GatewayClass \"\(name)\", which agentgateway does not handle",
                at: gateway.gatewayClassNameLocation,
                fix: NameSuggester.nearest(to: name, in: Array(options.gatewayClassNames)).map { "did you mean \"\($0)\"?" } ?? "set gatewayClassName: agentgateway",
                object: gateway.key.description))
        }
    }

    private mutating func analyzeListener(_ listener: Listener, gateway: Gateway) -> ListenerStatus {
        let object = gateway.key.description
        var conditions: [Condition] = []
        let protocolSupported = Self.supportedProtocols.contains(listener.protocol)
        if protocolSupported {
            conditions.append(Condition("Accepted", true, "Accepted"))
        } else {
            conditions.append(Condition("Accepted", false, "UnsupportedProtocol", "protocol \(listener.protocol) is not supported"))
            diagnostics.append(Diagnostic(
                .unsupportedProtocol, "listener \"\(listener.name)\" uses protocol \(listener.protocol), which agentgateway does not serve",
                at: listener.location, fix: "use HTTP or HTTPS", condition: "Accepted=False/UnsupportedProtocol", object: object))
        }
        // Supported kinds: the listener's valid kinds, or the protocol's defaults.
        let protocolKinds: [String]
        switch listener.protocol {
        case "HTTP", "HTTPS": protocolKinds = ["HTTPRoute", "GRPCRoute"]
        case "TLS": protocolKinds = ["TLSRoute"] + ((listener.tls?.mode ?? "Terminate") == "Terminate" ? ["TCPRoute"] : [])
        case "TCP": protocolKinds = ["TCPRoute"]
        default: protocolKinds = []
        }
        var supportedKinds: [RouteGroupKind] = []
        var resolved: Condition? = nil
        if listener.allowedRoutes.kinds.isEmpty {
            supportedKinds = protocolKinds.map { RouteGroupKind(group: APIGroup.gateway, kind: $0) }
        } else {
            var invalid: [String] = []
            for kind in listener.allowedRoutes.kinds {
                if kind.group == APIGroup.gateway, protocolKinds.contains(kind.kind) { supportedKinds.append(kind) } else { invalid.append(kind.kind) }
            }
            if !invalid.isEmpty {
                resolved = Condition("ResolvedRefs", false, "InvalidRouteKinds", "unsupported route kinds: \(invalid.joined(separator: ", "))")
                diagnostics.append(Diagnostic(
                    .invalidRouteKinds, "listener \"\(listener.name)\" allows route kind(s) \(invalid.joined(separator: ", ")), which a \(listener.protocol) listener cannot serve",
                    at: listener.allowedRoutes.location, fix: "allow only \(protocolKinds.joined(separator: " or "))",
                    condition: "ResolvedRefs=False/InvalidRouteKinds", object: object))
            }
        }
        if let certificateProblem = checkCertificates(listener, gateway: gateway), resolved == nil { resolved = certificateProblem }
        conditions.append(resolved ?? Condition("ResolvedRefs", true, "ResolvedRefs"))
        let programmed = protocolSupported && resolved == nil
        conditions.append(programmed ? Condition("Programmed", true, "Programmed") : Condition("Programmed", false, "Invalid"))
        conditions.append(Condition("Conflicted", false, "NoConflicts"))
        return ListenerStatus(name: listener.name, supportedKinds: supportedKinds, attachedRoutes: 0, conditions: conditions)
    }

    private mutating func checkCertificates(_ listener: Listener, gateway: Gateway) -> Condition? {
        let object = gateway.key.description
        guard let tls = listener.tls else {
            if listener.protocol == "HTTPS" {
                diagnostics.append(Diagnostic(
                    .invalidCertificateRef, "HTTPS listener \"\(listener.name)\" has no `tls` with certificateRefs", at: listener.location,
                    fix: "add tls.certificateRefs naming a kubernetes.io/tls Secret", condition: "ResolvedRefs=False/InvalidCertificateRef", object: object))
                return Condition("ResolvedRefs", false, "InvalidCertificateRef", "no certificate configured")
            }
            return nil
        }
        guard tls.mode == "Terminate" else { return nil }
        var result: Condition?
        for ref in tls.certificateRefs {
            let namespace = ref.namespace ?? gateway.meta.namespace
            let target = ObjectKey(group: ref.group, kind: ref.kind, namespace: namespace, name: ref.name)
            var problem: (reason: String, message: String, fix: String, code: DiagnosticCode)?
            // Findings in the Secret's data are reported at its tls.crt, with the reference as a note.
            var secretLocation: SourceLocation?
            if ref.group != "" || ref.kind != "Secret" {
                problem = ("InvalidCertificateRef", "certificateRef \(ref.name) has group/kind \"\(ref.group)\"/\(ref.kind); only core Secrets hold certificates", "use kind: Secret (group \"\")", .invalidCertificateRef)
            } else if namespace != gateway.meta.namespace,
                !index.referenceGranted(fromGroup: APIGroup.gateway, fromKind: "Gateway", fromNamespace: gateway.meta.namespace, to: target)
            {
                problem = ("RefNotPermitted", "certificateRef to Secret \(namespace)/\(ref.name) crosses namespaces and no ReferenceGrant in \(namespace) permits it", "add a ReferenceGrant in \(namespace) from Gateway in \(gateway.meta.namespace) to Secret \(ref.name)", .certificateRefNotPermitted)
            } else if let secret = index.secret(namespace: namespace, name: ref.name) {
                let certificate = secret.values["tls.crt"].map(Self.looksLikePEM) ?? false
                // A key that is there but not PEM is the certificate inspection's to name (GW324).
                let key = secret.values["tls.key"].map { !$0.isBlank } ?? false
                if !certificate || !key {
                    problem = ("InvalidCertificateRef", "Secret \(namespace)/\(ref.name) has no PEM `tls.crt`, or no `tls.key`", "store the certificate and key as a kubernetes.io/tls Secret", .invalidCertificateRef)
                } else if let unusable = inspectCertificate(secret, listener: listener, object: object, referencedAt: ref.location) {
                    secretLocation = secret.keyLocations["tls.crt"] ?? secret.meta.location
                    problem = ("InvalidCertificateRef", unusable, "issue the certificate and key again as one pair (tls.crt: the leaf first, then its issuers; tls.key: its unencrypted key)", .certificateUnusable)
                }
            } else {
                problem = ("InvalidCertificateRef", "certificateRef names Secret \(namespace)/\(ref.name), which does not exist", "create the Secret or fix the name", .invalidCertificateRef)
            }
            if let problem {
                diagnostics.append(Diagnostic(
                    problem.code, "listener \"\(listener.name)\": \(problem.message)", at: secretLocation ?? ref.location,
                    notes: secretLocation == nil ? [] : [DiagnosticNote("certificateRef of listener \"\(listener.name)\"", at: ref.location)], fix: problem.fix,
                    condition: "ResolvedRefs=False/\(problem.reason)", object: object))
                if result == nil { result = Condition("ResolvedRefs", false, problem.reason, problem.message) }
            }
        }
        return result
    }

    private static func looksLikePEM(_ value: SecretValue) -> Bool {
        value.reveal().starts(with: Array("-----BEGIN ".utf8))
    }

    /// Listeners on one port must be distinct: same protocol needs different hostnames, and
    /// HTTP-family listeners cannot share a port with TCP or UDP.
    private mutating func applyConflicts(_ gateway: Gateway, _ statuses: inout [ListenerStatus]) {
        let listeners = gateway.listeners
        for i in listeners.indices {
            for j in listeners.indices where j > i && listeners[i].port == listeners[j].port {
                let a = listeners[i], b = listeners[j]
                var reason: String?
                if a.protocol == b.protocol {
                    if a.hostname == b.hostname { reason = "HostnameConflict" }
                } else if !(Set([a.protocol, b.protocol]).isSubset(of: ["HTTPS", "TLS"])) {
                    reason = "ProtocolConflict"
                }
                guard let reason else { continue }
                for k in [i, j] {
                    if let at = statuses[k].conditions.firstIndex(where: { $0.type == "Conflicted" }) {
                        statuses[k].conditions[at] = Condition("Conflicted", true, reason)
                    }
                    if let at = statuses[k].conditions.firstIndex(where: { $0.type == "Programmed" }) {
                        statuses[k].conditions[at] = Condition("Programmed", false, "Invalid")
                    }
                }
                let what = reason == "HostnameConflict" ? "the same protocol and hostname" : "incompatible protocols (\(a.protocol), \(b.protocol))"
                diagnostics.append(Diagnostic(
                    .listenerConflict, "listeners \"\(a.name)\" and \"\(b.name)\" share port \(a.port) with \(what)", at: b.location,
                    notes: [DiagnosticNote("\"\(a.name)\" is defined here", at: a.location)],
                    fix: "change the port or give the listeners different hostnames; neither is served while they conflict",
                    condition: "Conflicted=True/\(reason)", object: gateway.key.description))
            }
        }
    }

    /// Terminating listeners on one port whose hostnames overlap (one wildcard covers the other,
    /// or both are unset) make certificate selection ambiguous; controllers must flag them.
    private mutating func applyOverlappingTLS(_ gateway: Gateway, _ statuses: inout [ListenerStatus]) {
        let listeners = gateway.listeners
        for i in listeners.indices {
            for j in listeners.indices where j > i && listeners[i].port == listeners[j].port {
                let a = listeners[i], b = listeners[j]
                guard a.tls?.mode == "Terminate", b.tls?.mode == "Terminate", a.hostname != b.hostname else { continue }
                let overlap: Bool
                switch (a.hostname, b.hostname) {
                case (nil, _), (_, nil): overlap = true
                case (let x?, let y?): overlap = Hostname.intersect(x, y) != nil
                }
                guard overlap else { continue }
                for k in [i, j] { statuses[k].conditions.append(Condition("OverlappingTLSConfig", true, "OverlappingHostnames")) }
                diagnostics.append(Diagnostic(
                    .overlappingTLS, "TLS listeners \"\(a.name)\" (\(a.hostname ?? "any host")) and \"\(b.name)\" (\(b.hostname ?? "any host")) on port \(a.port) have overlapping hostnames",
                    at: b.location, notes: [DiagnosticNote("\"\(a.name)\" is defined here", at: a.location)],
                    fix: "make sure each certificate covers only its listener's hostnames; a client may get either one",
                    condition: "OverlappingTLSConfig=True/OverlappingHostnames", object: gateway.key.description))
            }
        }
    }

    /// RFC 1123 name in lower case, with an optional leading `*.`; IP addresses are not allowed.
    func checkHostnameSyntax(_ hostname: String) -> Bool {
        var bytes = Array(hostname.utf8)
        if bytes.starts(with: [0x2A, 0x2E]) { bytes.removeFirst(2) }
        guard !bytes.isEmpty, hostname.utf8.count <= 253 else { return false }
        var labelLength = 0, allDigits = true, previous: UInt8 = 0x2E
        for byte in bytes {
            switch byte {
            case 0x2E:
                if labelLength == 0 || previous == 0x2D { return false }
                labelLength = 0
            case 0x61...0x7A, 0x30...0x39, 0x2D:
                if labelLength == 0 && byte == 0x2D { return false }
                if byte > 0x39 || byte == 0x2D { allDigits = false }
                labelLength += 1
                if labelLength > 63 { return false }
            default:
                return false
            }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D && !allDigits
    }

    private mutating func checkHostname(_ hostname: String, at location: SourceLocation, object: String) {
        guard !checkHostnameSyntax(hostname) else { return }
        diagnostics.append(Diagnostic(
            .invalidHostname, "\"\(hostname)\" is not a valid hostname (lower-case RFC 1123 name, optional leading `*.`, no IP address)",
            at: location, fix: "write the name in lower case, without a port or scheme", object: object))
    }
}
