import GatewayCompiler

/// libFuzzer entry: any bytes, as a YAML and as a JSON file, through the whole lint pipeline.
/// Whatever the input, gwc must return diagnostics, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for path in ["fuzz.yaml", "fuzz.json"] {
        let result = Linter().lint([SourceFile(path: path, bytes: bytes)])
        _ = MachineRenderers.json(result)
        _ = YAMLWriter.write(StatusDocument.build(result))
    }
    return 0
}
