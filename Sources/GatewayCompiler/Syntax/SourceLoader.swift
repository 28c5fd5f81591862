import GatewayIR

/// Picks the parser for a file: JSON for `.json` files and for text that starts with `{` or `[`
/// (what `kubectl get -o json` pipes in), YAML for everything else.
public struct SourceLoader {
    public var limits: LoadLimits
    public init(limits: LoadLimits = .standard) { self.limits = limits }

    public func load(_ file: SourceFile) -> (documents: [Document], diagnostics: [Diagnostic]) {
        if isJSON(file) { return JSONLoader(limits: limits).load(file) }
        return YAMLLoader(limits: limits).load(file)
    }

    private func isJSON(_ file: SourceFile) -> Bool {
        if file.path.lowercased().hasSuffix(".json") { return true }
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
