import GatewayIR

/// Checks each Deployment that runs gwrun (docs/deploy.md) against what gwrun does: its arguments
/// are options gwrun accepts (GW700), its probes ask the admin listener's /readyz and /healthz
/// (GW701, GW702), its grace period outlasts the preStop wait plus gwrun's drain (GW703), every
/// file gwrun reads comes from a volume (GW704) and Secrets sit where `--secrets-dir` looks
/// (GW706), and several replicas with rate limits share them through `--redis` (GW705).
struct DeploymentChecker {
    let index: ResourceIndex
    var diagnostics: [Diagnostic] = []

    /// gwrun serve's options, each taking a value (`gwrun serve --help`; CLITests holds the two together).
    static let options: Set<String> = [
        "table", "secrets-dir", "listen-address", "port-offset", "gateway", "admin-port", "max-body-bytes", "upstream-timeout", "connect-timeout",
        "upstream-connections", "upstream-ca-file", "max-header-bytes", "max-header-count", "idle-timeout", "request-read-timeout", "max-connections",
        "trusted-proxies", "audit-log", "audit-max-bytes", "audit-sync-interval", "otlp-endpoint", "otlp-sampling-ratio", "otlp-metrics-interval", "redis", "redis-password-file",
        "redis-timeout-ms", "redis-failure-mode", "log-level",
    ]
    static var drainSeconds: Int { GwrunDeployment.drainSeconds }

    mutating func run() {
        for deployment in index.resources.gwrunDeployments { check(deployment) }
    }

    private mutating func check(_ deployment: GwrunDeployment) {
        let object = "Deployment \(deployment.meta.namespace)/\(deployment.meta.name)"
        let options = parse(deployment.arguments, object: object)
        checkProbes(deployment, adminPort: options["admin-port"].flatMap { Int($0.value) }, object: object)
        let needed = Self.drainSeconds + deployment.preStopSeconds
        if deployment.gracePeriodSeconds <= needed {
            diagnostics.append(Diagnostic(
                .gwrunGracePeriod,
                "terminationGracePeriodSeconds is \(deployment.gracePeriodSeconds): the kubelet kills gwrun before its preStop wait (\(deployment.preStopSeconds) s) and drain (\(Self.drainSeconds) s) end, cutting requests in flight",
                at: deployment.gracePeriodLocation, fix: "set terminationGracePeriodSeconds above \(needed), say \(needed + 15)", object: object))
        }
        for name in ["table", "secrets-dir", "redis-password-file", "upstream-ca-file", "audit-log"] {
            guard let option = options[name] else { continue }
            // A directory (--secrets-dir) is provided by mounts beneath it too: one per Secret.
            let beneath = name == "secrets-dir" && deployment.mounts.contains { $0.path.hasPrefix(option.value.hasSuffix("/") ? option.value : option.value + "/") }
            if mount(covering: option.value, in: deployment) == nil, !beneath {
                diagnostics.append(Diagnostic(
                    .gwrunPathNotMounted, "--\(name) \(option.value) is under no volumeMount of container \(deployment.container): gwrun finds \(name == "audit-log" ? "no writable place for it" : "nothing there") in the image",
                    at: option.location, fix: "mount the \(name == "table" ? "ConfigMap holding the table" : name == "audit-log" ? "persistent volume for the audit log" : "Secret") at a directory holding this path", object: object))
            }
        }
        if let secrets = options["secrets-dir"]?.value { checkSecretMounts(deployment, secretsDirectory: secrets, object: object) }
        if deployment.replicas > 1, options["redis"] == nil {
            let limited = index.resources.policies.filter { !($0.traffic?.localRateLimits.isEmpty ?? true) }.map { "AgentgatewayPolicy \($0.meta.namespace)/\($0.meta.name)" }
                + index.resources.budgets.map { "Budget \($0.meta.namespace)/\($0.meta.name)" }
            if let first = limited.first {
                diagnostics.append(Diagnostic(
                    .gwrunUnsharedLimits,
                    "\(deployment.replicas) replicas each keep their own rate-limit buckets and budgets: together they let through \(deployment.replicas) times each limit (\(first)\(limited.count > 1 ? " and \(limited.count - 1) more" : ""))",
                    at: deployment.replicasLocation, fix: "give gwrun --redis redis://HOST:PORT so the replicas share one set of buckets and budgets (docs/redis.md)", object: object))
            }
        }
    }

    /// `--name=value` and `--name value`; an optional leading `serve`.
    private mutating func parse(_ arguments: [GwrunDeployment.Argument], object: String) -> [String: (value: String, location: SourceLocation)] {
        var options: [String: (value: String, location: SourceLocation)] = [:]
        var index = 0
        if arguments.first?.text == "serve" { index = 1 }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.text.hasPrefix("--") else {
                diagnostics.append(Diagnostic(.gwrunUnknownOption, "gwrun takes no argument \"\(argument.text)\" here: it would refuse to start", at: argument.location,
                                              fix: "write options as --name=value", object: object))
                continue
            }
            let body = argument.text.dropFirst(2)
            let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
            guard Self.options.contains(name) else {
                let close = Self.closest(to: name)
                diagnostics.append(Diagnostic(
                    .gwrunUnknownOption, "gwrun has no option --\(name): it would refuse to start", at: argument.location,
                    fix: close.map { "did you mean --\($0)? (gwrun serve --help lists them)" } ?? "see gwrun serve --help", object: object))
                continue
            }
            if let equals = body.firstIndex(of: "=") {
                options[name] = (String(body[body.index(after: equals)...]), argument.location)
            } else if index < arguments.count {
                options[name] = (arguments[index].text, argument.location)
                index += 1
            } else {
                diagnostics.append(Diagnostic(.gwrunUnknownOption, "--\(name) needs a value: gwrun would refuse to start", at: argument.location, fix: "write --\(name)=VALUE", object: object))
            }
        }
        return options
    }

    private mutating func checkProbes(_ deployment: GwrunDeployment, adminPort: Int?, object: String) {
        for (kind, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
            guard let probe = deployment.probes.first(where: { $0.kind == kind }) else {
                diagnostics.append(Diagnostic(
                    .gwrunProbeMissing, "container \(deployment.container) has no \(kind): \(kind == "readinessProbe" ? "a replica gets traffic before its table is loaded, and keeps it while it drains" : "a wedged gwrun is never restarted")",
                    at: deployment.containerLocation, fix: "add \(kind): {httpGet: {path: \(path), port: <--admin-port>}}", object: object))
                continue
            }
            guard let adminPort else {
                diagnostics.append(Diagnostic(.gwrunProbeMismatch, "\(kind) asks gwrun, which has no admin listener: --admin-port is not given", at: probe.location,
                                              fix: "give gwrun --admin-port=9901 and probe that port", object: object))
                continue
            }
            let port = probe.port.flatMap { Int($0) ?? deployment.namedPorts[$0] }
            if probe.path != path || port != adminPort {
                diagnostics.append(Diagnostic(
                    .gwrunProbeMismatch, "\(kind) asks \(probe.path ?? "a TCP connection") on port \(probe.port ?? "?")\(port.map { $0 == Int(probe.port ?? "") ? "" : " (\($0))" } ?? ""); gwrun answers \(path) on its admin port \(adminPort)",
                    at: probe.location, fix: "use httpGet: {path: \(path), port: \(adminPort)}", object: object))
            }
        }
    }

    /// Secrets mounted under `--secrets-dir` must sit at DIR/<namespace>/<name>, as gwrun reads them.
    private mutating func checkSecretMounts(_ deployment: GwrunDeployment, secretsDirectory: String, object: String) {
        let base = secretsDirectory.hasSuffix("/") ? String(secretsDirectory.dropLast()) : secretsDirectory
        for mount in deployment.mounts where mount.path.hasPrefix(base + "/") {
            guard let volume = deployment.volumes.first(where: { $0.name == mount.volume }), case .secret(let secretName) = volume.source else { continue }
            let parts = mount.path.dropFirst(base.count + 1).split(separator: "/", omittingEmptySubsequences: true)
            if parts.count != 2 || parts[1] != secretName {
                diagnostics.append(Diagnostic(
                    .gwrunSecretMountLayout, "Secret \(secretName) is mounted at \(mount.path); gwrun reads it from \(base)/<namespace>/\(secretName)",
                    at: mount.location, fix: "mount it at \(base)/\(deployment.meta.namespace)/\(secretName)", object: object))
            }
        }
    }

    /// The option a typo most likely meant: the fewest edits away, and few enough.
    static func closest(to name: String) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))) }
                previous = current
            }
            return previous[b.count]
        }
        let typed = Array(name)
        let best = options.map { ($0, distance(typed, Array($0))) }.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return best.flatMap { $0.1 <= max(2, name.count / 4) ? $0.0 : nil }
    }

    private func mount(covering path: String, in deployment: GwrunDeployment) -> GwrunDeployment.Mount? {
        deployment.mounts.first { mount in
            let directory = mount.path.hasSuffix("/") ? String(mount.path.dropLast()) : mount.path
            return path == directory || path.hasPrefix(directory + "/")
        }
    }
}
