import GatewayIR

extension ManifestDecoder {
    /// An `apps/v1` Deployment whose pod runs gwrun; nil for any other Deployment (skipped as a
    /// kind gwc does not model). Only what `DeploymentChecker` needs is read; the Deployment's
    /// own schema is kubeconform's business.
    static func decodeGwrunDeployment(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> GwrunDeployment? {
        let spec = root["spec"], pod = root["spec"]?["template"]?["spec"]
        guard let container = reader.items(pod, "containers").first(where: runsGwrun) else { return nil }
        let command = reader.items(container, "command")
        var arguments = (command.isEmpty ? [] : Array(command.dropFirst())) + reader.items(container, "args")
        if command.isEmpty, let first = arguments.first?.scalarText, isGwrun(first) { arguments.removeFirst() }
        let probes = ["readinessProbe", "livenessProbe", "startupProbe"].compactMap { kind -> GwrunDeployment.Probe? in
            guard let probe = container[kind], !probe.isNull else { return nil }
            let get = probe["httpGet"]
            return .init(kind: kind, path: reader.string(get, "path"), port: reader.string(get ?? probe["tcpSocket"], "port"), location: reader.location(probe))
        }
        var ports: [String: Int] = [:]
        for port in reader.items(container, "ports") {
            if let name = reader.string(port, "name"), let number = reader.int(port, "containerPort") { ports[name] = number }
        }
        let preStop = container["lifecycle"]?["preStop"]
        var preStopSeconds = reader.int(preStop?["sleep"], "seconds") ?? 0
        let exec = reader.strings(preStop?["exec"], "command")
        if preStopSeconds == 0, let sleep = exec.firstIndex(where: { $0 == "sleep" || $0.hasSuffix("/sleep") }), sleep + 1 < exec.count {
            preStopSeconds = Int(exec[sleep + 1]) ?? 0
        }
        return GwrunDeployment(
            meta: meta, replicas: reader.int(spec, "replicas") ?? 1, replicasLocation: reader.location(spec?["replicas"] ?? spec),
            gracePeriodSeconds: reader.int(pod, "terminationGracePeriodSeconds") ?? 30, gracePeriodLocation: reader.location(pod?["terminationGracePeriodSeconds"] ?? pod),
            preStopSeconds: preStopSeconds, container: reader.string(container, "name") ?? "", containerLocation: reader.location(container),
            arguments: arguments.compactMap { node in node.scalarText.map { GwrunDeployment.Argument(text: $0, location: reader.location(node)) } },
            probes: probes, namedPorts: ports,
            mounts: reader.items(container, "volumeMounts").map { mount in
                .init(path: reader.string(mount, "mountPath") ?? "", volume: reader.string(mount, "name") ?? "", location: reader.location(mount))
            },
            volumes: reader.items(pod, "volumes").map { volume in
                let source: GwrunDeployment.Volume.Source =
                    if let secret = reader.string(volume["secret"], "secretName") { .secret(secret) }
                    else if let configMap = reader.string(volume["configMap"], "name") { .configMap(configMap) }
                    else { .other }
                return .init(name: reader.string(volume, "name") ?? "", source: source)
            })
    }

    private static func runsGwrun(_ container: Node) -> Bool {
        if let command = container["command"], case .sequence(let items, _) = command, let first = items.first?.scalarText { return isGwrun(first) }
        if case .sequence(let items, _)? = container["args"], let first = items.first?.scalarText, isGwrun(first) { return true }
        // `gwrun:local`, `ghcr.io/team/gwrun@sha256:...`: the image's repository name.
        let image = container["image"]?.scalarText ?? ""
        let repository = image.split(separator: "@").first.map(String.init) ?? image
        let name = repository.split(separator: "/").last.map { $0.split(separator: ":").first.map(String.init) ?? "" } ?? ""
        return name == "gwrun"
    }

    private static func isGwrun(_ text: String) -> Bool { text == "gwrun" || text.hasSuffix("/gwrun") }
}
