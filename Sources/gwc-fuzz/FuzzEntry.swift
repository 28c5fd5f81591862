import GatewayCompiler
import GatewayIR

/// libFuzzer entry: any bytes, as a YAML and as a JSON file, through the whole lint pipeline,
/// and as a route table through the verifier (and, when it passes, a lookup). Whatever the
/// input, gwc must return diagnostics or a TableError, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for path in ["fuzz.yaml", "fuzz.json"] {
        let result = Linter().lint([SourceFile(path: path, bytes: bytes)])
        _ = MachineRenderers.json(result)
        _ = YAMLWriter.write(StatusDocument.build(result))
    }
    if let table = try? RouteTable(bytes: bytes) {
        _ = table.decide(RouteRequest(port: 8080, host: "example.com", method: "POST", path: "/anthropic/chat/completions"), random: 1)
        _ = TableInspector.json(table)
    }
    return 0
}
