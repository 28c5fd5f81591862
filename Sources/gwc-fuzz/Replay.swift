import Foundation

#if FUZZING
/// libFuzzer's driver, started from our own `main` (SwiftPM gives executables their own entry
/// symbol, so libFuzzer's `main` is never linked in).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

/// Fuzzing builds (scripts/fuzz.sh defines FUZZING and links libFuzzer) run the fuzzer; a plain
/// build replays inputs given as file arguments, to reproduce and debug what the fuzzer found.
@main
enum Replay {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzLint(data, size) })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { fuzzLint($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
        #endif
    }
}
