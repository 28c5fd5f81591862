import Dispatch
import NIOCore
import NIOPosix

/// Calling a provider and reading its answer: the head within the deadline (502 and 504 for
/// failures), a buffered body read whole and bounded, an event stream relayed (or translated) as
/// it arrives, all under one deadline.
extension RequestProcessor {
    struct DeadlinePassed: Error {}

    /// Runs `work`, or throws `DeadlinePassed` when the deadline comes first.
    ///
    /// The deadline is an event-loop timer that is cancelled, and so freed, as soon as `work`
    /// ends. (A cancelled `Task.sleep` stayed queued until its deadline: about 700 bytes for each
    /// request, held for up to --upstream-timeout, 7 MB per 10,000 requests.)
    static func withDeadline<T: Sendable>(_ deadline: NIODeadline, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let expiry = loop.makePromise(of: Void.self)
        // Completed once, on the loop: by the timer, or when the work is done first.
        let completed = NIOLoopBoundBox.makeEmptyBox(valueType: Bool.self, eventLoop: loop)
        let timer = loop.scheduleTask(deadline: deadline) {
            guard completed.value != true else { return }
            completed.value = true
            expiry.succeed(())
        }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await expiry.futureResult.get()
                throw DeadlinePassed()
            }
            defer {
                group.cancelAll()
                loop.execute {
                    timer.cancel()
                    guard completed.value != true else { return }
                    completed.value = true
                    expiry.fail(CancellationError())
                }
            }
            guard let first = try await group.next() else { throw DeadlinePassed() }
            return first
        }
    }

    /// What came back from upstream: its head (the body still to read), or the answer to give instead.
    enum UpstreamAnswer {
        case head(UpstreamResponse)
        case failed(GatewayResponse)
    }

    /// Sends a request upstream and waits for the head of its answer, mapping failures to 502 and
    /// 504; with a retry policy, an answer whose status it retries (a failure counting as its 502 or
    /// 504) is read and dropped, and the request sent again after the backoff, within the deadline.
    func call(
        method: String, endpoint: ProviderEndpoint, headers: [(name: String, value: String)], body: ByteBuffer, deadline: NIODeadline,
        retry: RetryPolicy? = nil, record: inout AccessRecord
    ) async -> UpstreamAnswer {
        var attempt = 0
        while true {
            let answer = await callOnce(method: method, endpoint: endpoint, headers: headers, body: body, deadline: deadline, record: &record)
            guard let retry, attempt < retry.attempts, !Task.isCancelled else { return answer }
            let status: Int
            switch answer {
            case .failed(let failure): status = failure.status
            case .head(let head): status = head.status
            }
            guard retry.retries(status: status), NIODeadline.now() + retry.backoff < deadline else { return answer }
            if case .head(let head) = answer { _ = await collect(head, record: &record) }  // frees its connection
            attempt += 1
            record.retries += 1
            record.error = nil
            if retry.backoff.nanoseconds > 0 { try? await Task.sleep(nanoseconds: UInt64(retry.backoff.nanoseconds)) }
        }
    }

    private func callOnce(method: String, endpoint: ProviderEndpoint, headers: [(name: String, value: String)], body: ByteBuffer, deadline: NIODeadline, record: inout AccessRecord) async -> UpstreamAnswer {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { record.upstreamMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }
        var headers = headers
        if let trace = record.trace {
            trace.startUpstream(host: endpoint.host, port: endpoint.port, genAI: record.provider.map { (record.operation ?? "chat", $0, record.requestedModel) }, into: &headers)
        }
        do {
            let head = try await client.execute(method: method, endpoint: endpoint, headers: headers, body: body, deadline: deadline)
            if head.status == 429 || head.status == 503 { record.providerRetryAfter = head.header("retry-after").flatMap { Double($0) } }
            return .head(head)
        } catch is UpstreamClient.Timeout {
            record.error = "upstream timeout"
            record.trace?.upstreamFailed("upstream timeout")
            return .failed(.text(504, "upstream did not answer in time"))
        } catch {
            record.error = "upstream failure: \(error)"
            record.trace?.upstreamFailed("upstream failure")
            return .failed(.text(502, "upstream failure"))
        }
    }

    /// Reads a whole upstream body, bounded in size and by the deadline: the call's own deadline
    /// timer (`UpstreamCall`) ends a body that stalls with `UpstreamClient.Timeout`, so no second
    /// timer races it here (a task group and a timer per request were 15 allocations each).
    func collect(_ response: UpstreamResponse, record: inout AccessRecord) async -> Result<ByteBuffer, GatewayResponseFailure> {
        let limit = maxResponseBytes
        let started = DispatchTime.now().uptimeNanoseconds
        defer { record.upstreamMilliseconds = (record.upstreamMilliseconds ?? 0) + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6 }
        do {
            return .success(try await response.body.collect(upTo: limit))
        } catch is UpstreamClient.Timeout {
            record.error = "upstream timeout"
            return .failure(GatewayResponseFailure(response: .text(504, "upstream did not answer in time")))
        } catch {
            record.error = "upstream failure: \(error)"
            return .failure(GatewayResponseFailure(response: .text(502, "upstream failure")))
        }
    }

    /// Proxies a request: buffered answers are read whole (so a failure mid-body is still a clean
    /// 502), server-sent events are relayed as they arrive.
    func proxy(
        method: String, endpoint: ProviderEndpoint, headers: [(name: String, value: String)], body: ByteBuffer, timeout: TimeAmount, anthropicUsage: Bool = false,
        responseGuards: [PromptGuardRule] = [], guardFormat: StreamGuard.Format? = nil, retry: RetryPolicy? = nil, record: inout AccessRecord
    ) async -> GatewayResponse {
        let deadline = NIODeadline.now() + timeout
        let response: UpstreamResponse
        switch await call(method: method, endpoint: endpoint, headers: headers, body: body, deadline: deadline, retry: retry, record: &record) {
        case .failed(let answer): return answer
        case .head(let head): response = head
        }
        let responseHeaders = response.headers.filter { !HeaderName.isHopByHop($0.name) }
        if response.header("content-type")?.lowercased().hasPrefix("text/event-stream") == true {
            let stream = Self.relay(response, deadline: deadline, translation: nil, anthropicUsage: anthropicUsage, responseGuards: responseGuards, guardFormat: guardFormat)
            return GatewayResponse(status: response.status, headers: responseHeaders, stream: stream)
        }
        switch await collect(response, record: &record) {
        case .failure(let failure): return failure.response
        case .success(let buffer): return GatewayResponse(status: response.status, headers: responseHeaders, body: buffer)
        }
    }

    struct ClientGone: Error {}

    /// Sends an upstream event stream on as it arrives, unchanged or translated (`StreamTranslation`:
    /// Anthropic events to OpenAI chunks, or back). A failure or timeout after the head was sent cannot change the
    /// status: a translated stream ends with an error event in the client's format, a relayed one is cut (the
    /// connection closes without the body's end).
    /// A relayed stream's usage is read for the log and metrics: `anthropicUsage` says whether the
    /// stream is Anthropic's (Messages events) or OpenAI's (Chat Completions chunks). With response
    /// guards, what goes to the client passes a `StreamGuard` (masked, or cut by a rejection) for
    /// `guardFormat` (Gemini's native stream), else the format `anthropicUsage` says.
    static func relay(
        _ response: UpstreamResponse, deadline: NIODeadline, translation: StreamTranslation?, anthropicUsage: Bool = false, responseGuards: [PromptGuardRule] = [],
        guardFormat: StreamGuard.Format? = nil
    ) -> ResponseStream {
        ResponseStream { write in
            let send: ResponseStream.Writer = { piece in
                do { try await write(piece) } catch { throw ClientGone() }
            }
            do {
                return try await withDeadline(deadline) {
                    var outcome = ResponseStream.Outcome()
                    let translator = translation?.makeTranslator(responseGuards: responseGuards)
                    let follower = anthropicUsage && translation == nil ? MessagesStreamTranslator(producesChunks: false) : nil
                    let openAIUsage = !anthropicUsage && translation == nil ? CompletionsUsageReader() : nil
                    let guarded = responseGuards.isEmpty || translation?.guardsInside == true ? nil : StreamGuard(format: translation?.clientFormat ?? guardFormat ?? (anthropicUsage ? .anthropic : .openAI), rules: responseGuards)
                    /// Sends bytes through the guard, if any; false once it rejected the answer.
                    func pass(_ bytes: [UInt8]) async throws -> Bool {
                        guard let guarded else {
                            outcome.bytes += bytes.count
                            try await send(ByteBuffer(bytes: bytes))
                            return true
                        }
                        let out = guarded.feed(bytes)
                        if !out.isEmpty {
                            outcome.bytes += out.count
                            try await send(ByteBuffer(bytes: out))
                        }
                        if let rejection = guarded.rejectionEvent() {
                            outcome.error = "prompt guard rejected the answer"
                            outcome.bytes += rejection.count
                            try await send(ByteBuffer(bytes: rejection))
                            return false
                        }
                        return true
                    }
                    var cause: String?
                    /// The usage the stream reported so far (Anthropic's events, or OpenAI's last chunk).
                    func takeUsage() {
                        outcome.inputTokens = translator?.inputTokens ?? follower?.inputTokens ?? openAIUsage?.inputTokens
                        outcome.outputTokens = translator?.outputTokens ?? follower?.outputTokens ?? openAIUsage?.outputTokens
                        outcome.cachedTokens = translator?.cachedTokens ?? follower?.cachedTokens ?? openAIUsage?.cachedTokens
                    }
                    do {
                        for try await piece in response.body {
                            if let translator {
                                let chunks = piece.withUnsafeReadableBytes { translator.feed($0) }
                                if !chunks.isEmpty, try await !pass(chunks) {
                                    takeUsage()
                                    return outcome
                                }
                                if translator.rejectedByGuard {
                                    outcome.error = "prompt guard rejected the answer"
                                    _ = try await pass(translator.finish(cause: nil))
                                    takeUsage()
                                    return outcome
                                }
                                if translator.failure != nil { break }
                            } else {
                                if let follower { _ = piece.withUnsafeReadableBytes { follower.feed($0) } }
                                if let openAIUsage { piece.withUnsafeReadableBytes { openAIUsage.feed($0) } }
                                if guarded == nil {
                                    outcome.bytes += piece.readableBytes
                                    try await send(piece)
                                } else if try await !pass(Array(buffer: piece)) {
                                    takeUsage()
                                    return outcome
                                }
                            }
                        }
                    } catch is ClientGone {
                        outcome.error = "client closed the connection"
                        outcome.truncated = true
                        return outcome
                    } catch is CancellationError, is UpstreamClient.Timeout {
                        throw DeadlinePassed()
                    } catch {
                        cause = "upstream failure: \(error)"
                        outcome.error = cause
                    }
                    // Under failover, a stream that failed before its first byte is given up unsent.
                    let holdFailure = FirstByteGate.holdsFailuresBeforeFirstByte && outcome.bytes == 0
                    guard let translator else {
                        if holdFailure, cause != nil {
                            outcome.failedBeforeFirstByte = true
                            return outcome
                        }
                        if let guarded, cause == nil {
                            let rest = guarded.finish()
                            if !rest.isEmpty { outcome.bytes += rest.count; try? await send(ByteBuffer(bytes: rest)) }
                        }
                        takeUsage()
                        outcome.truncated = cause != nil
                        return outcome
                    }
                    takeUsage()
                    if !translator.completed || translator.failure != nil {
                        outcome.error = outcome.error ?? translator.failure.map { "provider stream: \($0)" } ?? "provider stream ended early"
                        if holdFailure {
                            outcome.failedBeforeFirstByte = true
                            return outcome
                        }
                    }
                    let end = translator.finish(cause: cause.map { _ in "the provider's stream failed" })
                    _ = try? await pass(end)
                    return outcome
                }
            } catch {
                // The deadline passed (the work was cancelled and has finished).
                var outcome = ResponseStream.Outcome()
                outcome.error = "upstream timeout"
                if let translation {
                    try? await send(ByteBuffer(bytes: translation.errorEvent("the provider did not finish its answer in time")))
                } else {
                    outcome.truncated = true
                }
                return outcome
            }
        }
    }
}

/// A gateway answer carried as an error, for Result.
struct GatewayResponseFailure: Error {
    let response: GatewayResponse
}
