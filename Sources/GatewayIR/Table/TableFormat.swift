/// Constants of the route table format. docs/table-format.md describes every byte.
public enum TableFormat {
    /// 16 bytes at offset 0.
    public static let magic: [UInt8] = Array("gwc route table\0".utf8)
    /// Format version this writer produces.
    public static let writeVersion: UInt16 = 7
    /// Oldest reader version able to read what this writer produces, and the oldest a reader
    /// reads (version 7 widened the provider records with SigV4's region and service and the backend
    /// records with request edits and prompt caching: older
    /// tables are rebuilt). A reader refuses a file whose read version is newer than the version
    /// it implements.
    public static let readVersion: UInt16 = 7
    /// The version this reader implements.
    public static let readerVersion: UInt16 = 7
    public static let headerSize = 64
    public static let directoryEntrySize = 16
    /// Checksum algorithm id 1: CRC-32C over the whole file with the checksum field read as zero.
    public static let checksumCRC32C: UInt32 = 1
    /// "No value" in an index or string field.
    public static let none: UInt32 = 0xFFFF_FFFF
    /// Budgets the verifier enforces before any read.
    public static let maxFileSize = 1 << 31
    public static let maxSections = 64

    /// Header field offsets.
    enum Header {
        static let writeVersion = 16
        static let readVersion = 18
        static let headerSize = 20
        static let fileSize = 24
        static let sectionCount = 32
        static let checksumAlgorithm = 36
        static let checksum = 40
        static let reservedStart = 44
    }
}

/// Sections and their fixed record layouts, in 32-bit little-endian words.
public enum TableSection: UInt32, CaseIterable, Sendable {
    case strings = 1
    case gateways = 2
    case listeners = 3
    case hosts = 4
    case pathIndex = 5
    case matches = 6
    case valueMatches = 7
    case rules = 8
    case routes = 9
    case backendRefs = 10
    case backends = 11
    case providers = 12
    case routeTypes = 13
    case filters = 14
    case headerOps = 15
    case policies = 16
    case stringLists = 17
    case policyRefs = 18
    case hermesClients = 19
    case secretRefs = 20
    case sourceOps = 21
    case upstreamTLS = 22

    /// Words per record; strings have their own layout (0).
    public var recordWords: Int {
        switch self {
        case .strings: 0
        case .gateways: 7
        case .listeners: 12
        case .hosts: 8
        case .pathIndex: 3
        case .matches: 9
        case .valueMatches: 3
        case .rules: 12
        case .routes: 6
        case .backendRefs: 10
        case .backends: 18
        case .providers: 16
        case .routeTypes: 2
        case .filters: 8
        case .headerOps: 3
        case .policies: 12
        case .stringLists: 1
        case .policyRefs: 3
        case .hermesClients: 10
        case .secretRefs: 3
        case .sourceOps: 2
        case .upstreamTLS: 9
        }
    }

    public var name: String {
        switch self {
        case .strings: "strings"
        case .gateways: "gateways"
        case .listeners: "listeners"
        case .hosts: "hosts"
        case .pathIndex: "path-index"
        case .matches: "matches"
        case .valueMatches: "value-matches"
        case .rules: "rules"
        case .routes: "routes"
        case .backendRefs: "backend-refs"
        case .backends: "backends"
        case .providers: "providers"
        case .routeTypes: "route-types"
        case .filters: "filters"
        case .headerOps: "header-ops"
        case .policies: "policies"
        case .stringLists: "string-lists"
        case .policyRefs: "policy-refs"
        case .hermesClients: "hermes-clients"
        case .secretRefs: "secret-refs"
        case .sourceOps: "source-ops"
        case .upstreamTLS: "upstream-tls"
        }
    }
}
