import Dispatch

/// Runs swift-otel's exporters on a dispatch queue, off the event loops. gwrun makes NIO's event
/// loops the global concurrency executor (`main.swift`), and swift-otel's OTLP/HTTP exporter shuts
/// its HTTP client down with `syncShutdown()` in its `deinit`, which async-http-client refuses
/// (a crash) on an event loop thread: exporters released when their service ends, at SIGTERM,
/// must be released here. Tasks preferring this executor, and the default actors they call
/// (swift-otel's service groups), run their jobs on the queue.
final class TelemetryExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "gwrun.telemetry", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
