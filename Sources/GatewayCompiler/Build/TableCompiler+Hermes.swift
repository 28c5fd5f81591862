import GatewayIR

extension TableCompiler {
    /// Each Hermes endpoint gwc followed, with the request it sends, so that `gwc diff` can say
    /// which clients reach another backend after a change.
    mutating func compileHermes() {
        for endpoint in result.hermesEndpoints.sorted(by: { ($0.configFile, $0.role) < ($1.configFile, $1.role) }) {
            let gateway = endpoint.gateway.flatMap { key in result.index.gateways.keys.sorted().firstIndex(of: key) }.map(UInt32.init) ?? TableFormat.none
            model.append(.hermesClients, [
                model.intern(endpoint.configFile), model.intern(endpoint.role), model.intern(endpoint.url), model.intern(endpoint.mode),
                model.intern(endpoint.model), gateway, UInt32(clamping: endpoint.port), model.intern(endpoint.host), model.intern(endpoint.path), 0,
            ])
        }
    }
}
