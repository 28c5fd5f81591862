import GatewayIR

extension TableCompiler {
    /// Each Hermes endpoint gwc followed, with the request it sends, so that `gwc diff` can say
    /// which clients reach another backend after a change.
    mutating func compileHermes() {
        for endpoint in result.hermesEndpoints.sorted(by: { ($0.configFile, $0.role) < ($1.configFile, $1.role) }) {
            let gateway = endpoint.gateway.flatMap { key in result.index.gateways.keys.sorted().firstIndex(of: key) }.map(UInt32.init) ?? TableFormat.none
            model.append(.hermesClients, fields: [
                Field.HermesClient.configFile: model.intern(endpoint.configFile),
                Field.HermesClient.role: model.intern(endpoint.role),
                Field.HermesClient.url: model.intern(endpoint.url),
                Field.HermesClient.mode: model.intern(endpoint.mode),
                Field.HermesClient.model: model.intern(endpoint.model),
                Field.HermesClient.gateway: gateway,
                Field.HermesClient.port: UInt32(clamping: endpoint.port),
                Field.HermesClient.host: model.intern(endpoint.host),
                Field.HermesClient.path: model.intern(endpoint.path),
                Field.HermesClient.status: 0,
            ])
        }
    }
}
