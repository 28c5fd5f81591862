import GatewayCompiler

/// Holds results that live until the process exits, so their memory is returned by the kernel
/// at exit instead of being freed node by node (what compilers call -disable-free).
enum ExitKeeper {
    nonisolated(unsafe) private static var kept: [LintResult] = []
    static func keep(_ result: LintResult) { kept.append(result) }
}
