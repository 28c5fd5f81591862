import Foundation
import ArgumentParser
import NIOCore
import NIOPosix

// Swift concurrency's jobs run on NIO's event loops, so a request is handled on the threads that
// do its I/O instead of hopping to and from the default pool (measured: most of gwrun's time
// under load went to those thread switches). Must happen before any task starts.
// GWRUN_THREADS sets the number of event loops (default: one per core); read here because the
// loops start with the executor, before the command line is parsed.
if let threads = ProcessInfo.processInfo.environment["GWRUN_THREADS"].flatMap(Int.init), threads > 0 {
    NIOSingletons.groupLoopCountSuggestion = threads
}
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
Task {
    await GWRun.main()
    exit(0)
}
dispatchMain()
