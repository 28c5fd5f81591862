import GatewayIR

/// Picks the parser for a file by its name and its content together: `.json` files are JSON,
/// `.yaml`/`.yml` files are YAML (a YAML flow mapping `{apiVersion: v1, ...}` looks like JSON
/// but is not), and anything else (standard input) that starts with `{` or `[` is tried as JSON
/// first, as `kubectl get -o json` pipes it, then as YAML when it is not JSON. Valid YAML is
/// never refused for failing as JSON.
public struct SourceLoader {
    public var limits: LoadLimits
    public init(limits: LoadLimits = .standard) { self.limits = limits }

    public func load(_ file: SourceFile) -> (documents: [Document], diagnostics: [Diagnostic]) {
        let name = file.path.lowercased()
        if name.hasSuffix(".json") { return JSONLoader(limits: limits).load(file) }
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || !startsLikeJSON(file) { return YAMLLoader(limits: limits).load(file) }
        let json = JSONLoader(limits: limits).load(file)
        guard json.diagnostics.contains(where: { $0.code == .jsonSyntax }) else { return json }
        let yaml = YAMLLoader(limits: limits).load(file)
        return yaml.diagnostics.contains(where: { $0.severity == .error }) ? json : yaml
    }

    private func startsLikeJSON(_ file: SourceFile) -> Bool {
        for byte in file.bytes {
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF: continue
            case 0x7B, 0x5B: return true
            default: return false
            }
        }
        return false
    }
}
