import GatewayIR

/// The TLS client contexts of one table's upstream TLS records, made once when the table is
/// loaded (a certificate or key that cannot be used refuses the table). The shared default record
/// (providers' own endpoints) uses the client's own context, made once per process.
public struct UpstreamTLSContexts: Sendable {
    private var settings: [UpstreamTLS] = []

    public init() {}

    /// `previous`: the contexts of the table served before a reload; a setting that did not change
    /// keeps its context (and the connections pooled under it).
    public init(table: RouteTable, secrets: SecretStore, client: UpstreamClient, previous: UpstreamTLSContexts? = nil) throws {
        let kept = Dictionary((previous?.settings ?? []).map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        for index in 0..<table.count(.upstreamTLS) {
            let record = table.upstreamTLS(index)
            if record.isDefault {
                settings.append(client.pools.tls)
                continue
            }
            let identity = UpstreamTLS.identity(of: record, secrets: secrets)
            if let same = kept[identity] {
                settings.append(same)
                continue
            }
            let user = (0..<table.count(.backends)).first { table.backend($0).tls?.index == index || table.backend($0).providers.contains { table.provider($0).tls?.index == index } }
            let name = user.map { "backend \(table.backend($0).namespace)/\(table.backend($0).name)" } ?? "upstream TLS setting \(index)"
            settings.append(try UpstreamTLS(record: record, identity: identity, secrets: secrets, additionalCAFiles: client.additionalCAFiles, name: name))
        }
    }

    /// The context of `record`, or nil for none (plain HTTP). A record without a context (the
    /// contexts were not made for this table) refuses to connect: never plain HTTP instead.
    func context(_ record: RouteTable.UpstreamTLSRecord?) -> UpstreamTLS? {
        guard let record else { return nil }
        guard record.index < settings.count else { return UpstreamTLS.refusing }
        return settings[record.index]
    }
}
