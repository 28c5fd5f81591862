/// An `apps/v1` Deployment whose pod runs gwrun (a container whose command or first argument is
/// `gwrun`, or whose image is named gwrun): what `gwc lint` checks of it (docs/deploy.md).
/// Deployments that run something else are skipped like any kind gwc does not model.
public struct GwrunDeployment: Sendable, Hashable {
    /// Seconds gwrun lets requests in flight finish after SIGTERM: `GatewayServer` drains for this
    /// long, and `gwc lint` holds a Deployment's grace period above it (GW703).
    public static let drainSeconds = 10

    public struct Argument: Sendable, Hashable {
        public var text: String
        public var location: SourceLocation
        public init(text: String, location: SourceLocation) {
            self.text = text
            self.location = location
        }
    }

    public struct Probe: Sendable, Hashable {
        /// `readinessProbe`, `livenessProbe` or `startupProbe`.
        public var kind: String
        /// nil: not an `httpGet` probe.
        public var path: String?
        /// The port as written: a number or a container port's name.
        public var port: String?
        public var location: SourceLocation
        public init(kind: String, path: String?, port: String?, location: SourceLocation) {
            self.kind = kind
            self.path = path
            self.port = port
            self.location = location
        }
    }

    public struct Mount: Sendable, Hashable {
        public var path: String
        public var volume: String
        public var location: SourceLocation
        public init(path: String, volume: String, location: SourceLocation) {
            self.path = path
            self.volume = volume
            self.location = location
        }
    }

    /// A pod volume: the Secret or ConfigMap it projects, if either.
    public struct Volume: Sendable, Hashable {
        public enum Source: Sendable, Hashable { case secret(String), configMap(String), other }
        public var name: String
        public var source: Source
        public init(name: String, source: Source) {
            self.name = name
            self.source = source
        }
    }

    public var meta: ObjectMeta
    public var replicas: Int
    public var replicasLocation: SourceLocation
    /// `terminationGracePeriodSeconds` (Kubernetes' default 30 when absent).
    public var gracePeriodSeconds: Int
    public var gracePeriodLocation: SourceLocation
    /// The container's `lifecycle.preStop` wait: `sleep.seconds`, or an exec of `sleep N`; 0 when none.
    public var preStopSeconds: Int
    public var container: String
    public var containerLocation: SourceLocation
    /// The container's `command` after the gwrun binary, then its `args`.
    public var arguments: [Argument]
    public var probes: [Probe]
    /// Container ports by name.
    public var namedPorts: [String: Int]
    public var mounts: [Mount]
    public var volumes: [Volume]

    public init(
        meta: ObjectMeta, replicas: Int, replicasLocation: SourceLocation, gracePeriodSeconds: Int, gracePeriodLocation: SourceLocation, preStopSeconds: Int,
        container: String, containerLocation: SourceLocation, arguments: [Argument], probes: [Probe], namedPorts: [String: Int], mounts: [Mount], volumes: [Volume]
    ) {
        self.meta = meta
        self.replicas = replicas
        self.replicasLocation = replicasLocation
        self.gracePeriodSeconds = gracePeriodSeconds
        self.gracePeriodLocation = gracePeriodLocation
        self.preStopSeconds = preStopSeconds
        self.container = container
        self.containerLocation = containerLocation
        self.arguments = arguments
        self.probes = probes
        self.namedPorts = namedPorts
        self.mounts = mounts
        self.volumes = volumes
    }
}
