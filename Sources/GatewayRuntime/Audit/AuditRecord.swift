import Crypto
import Foundation

/// One audit record: an AI request, or a request a policy refused. What it holds is fixed by
/// docs/audit.md: who (address, identity), what (listener, route, rule, backend, provider, models,
/// tokens), what each policy decided, the outcome (status, latency, time to first token) and the
/// table that decided it. Never a header value or a credential; the prompt and the answer's text
/// only for a route that opted in (`gwc.dev/audit-content: "true"`, `AuditContent`).
public struct AuditRecord: Sendable {
    public var time: Date
    public var requestID: String
    public var peer: String?
    public var client: String?
    public var authMethod: String?
    public var listener: String
    public var route: String?
    public var rule: Int?
    public var backend: String?
    public var provider: String?
    public var requestedModel: String?
    public var model: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cachedTokens: Int?
    public var verdicts: [PolicyVerdictEntry]
    public var status: Int
    public var latencyMilliseconds: Double
    public var firstTokenMilliseconds: Double?
    public var tableChecksum: UInt32
    public var error: String?
    var content: AuditContent?
    /// The serialised fields after `seq` and `prev` (see `serialise`).
    private(set) var body: [UInt8] = []

    init(request: IncomingRequest, record: AccessRecord, status: Int, latencyMilliseconds: Double, tableChecksum: UInt32, time: Date = Date()) {
        self.time = time
        requestID = record.requestID
        peer = request.peer
        client = record.client
        authMethod = record.authMethod
        listener = record.listener
        route = record.route
        rule = record.rule
        backend = record.backend
        provider = record.provider
        requestedModel = record.requestedModel
        model = record.model
        inputTokens = record.inputTokens
        outputTokens = record.outputTokens
        cachedTokens = record.cachedTokens
        verdicts = record.verdicts
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
        firstTokenMilliseconds = record.firstTokenMilliseconds
        self.tableChecksum = tableChecksum
        error = record.error
        content = record.auditContent
        body = Self.serialise(self)
    }

    /// The record as one line (without its newline), chained: `seq` and `prev`, the SHA-256 (hex)
    /// of the line before it, come first; the rest (`body`) was serialised by the request's own
    /// thread, so the writer only adds those two and hashes.
    func line(seq: Int, previous: String) -> [UInt8] {
        var line: [UInt8] = Array("{\"seq\":".utf8)
        line.reserveCapacity(body.count + 100)
        line.appendDecimal(seq)
        line += Array(",\"prev\":\"".utf8)
        line += Array(previous.utf8)
        line += [0x22, 0x2C]
        line += body
        return line
    }

    /// Every field after `prev`, and the closing brace.
    static func serialise(_ record: AuditRecord) -> [UInt8] {
        var line = JSONLine()
        line.field("type", string: "request")
        line.field("time", string: AuditChain.timestamp(record.time))
        line.field("request_id", string: record.requestID)
        if let peer = record.peer { line.field("peer", string: peer) }
        if let client = record.client { line.field("identity", string: client) }
        if let authMethod = record.authMethod { line.field("auth", string: authMethod) }
        line.field("listener", string: record.listener)
        if let route = record.route { line.field("route", string: route) }
        if let rule = record.rule { line.field("rule", integer: rule) }
        if let backend = record.backend { line.field("backend", string: backend) }
        if let provider = record.provider { line.field("provider", string: provider) }
        if let requestedModel = record.requestedModel { line.field("requested_model", string: requestedModel) }
        if let model = record.model { line.field("model", string: model) }
        if let inputTokens = record.inputTokens { line.field("input_tokens", integer: inputTokens) }
        if let outputTokens = record.outputTokens { line.field("output_tokens", integer: outputTokens) }
        if let cachedTokens = record.cachedTokens { line.field("cached_tokens", integer: cachedTokens) }
        var list: [UInt8] = [0x5B]
        for (index, verdict) in record.verdicts.enumerated() {
            if index > 0 { list.append(0x2C) }
            var item = JSONLine()
            item.field("stage", string: verdict.stage)
            item.field("policy", string: verdict.policy)
            item.field("verdict", string: verdict.verdict)
            list += item.finishObject()
        }
        list.append(0x5D)
        line.field("policies", json: list)
        line.field("status", integer: record.status)
        line.field("latency_ms", milliseconds: record.latencyMilliseconds)
        if let ttft = record.firstTokenMilliseconds { line.field("ttft_ms", milliseconds: ttft) }
        line.field("table", string: AuditChain.hex(record.tableChecksum))
        if let error = record.error { line.field("error", string: error) }
        if let content = record.content {
            if let prompt = content.prompt { line.field("prompt", json: prompt) }
            line.field("completion", string: content.completion)
            if content.truncated { line.field("content_truncated", json: Array("true".utf8)) }
        }
        // JSONLine opens with `{`: the writer's prefix already did.
        return Array(line.finishObject().dropFirst())
    }
}

/// The chain's arithmetic, shared by the writer and the verifier.
enum AuditChain {
    /// The `prev` of a file's first line when no file came before it.
    static let origin = String(repeating: "0", count: 64)

    static func hash(_ line: some Sequence<UInt8>) -> String { Hex.lowercase(SHA256.hash(data: Array(line))) }

    /// Eight hex digits (a table's crc32c).
    static func hex(_ value: UInt32) -> String {
        String(decoding: (0..<8).reversed().map { Hex.digits[Int((value >> (UInt32($0) * 4)) & 0xF)] }, as: UTF8.self)
    }

    /// The first line of every file: its number, the chain it continues (`prev` = the last hash
    /// of the file before, or `origin`), and when it was opened.
    static func header(seq: Int, previous: String, fileNumber: Int, time: Date, note: String? = nil) -> [UInt8] {
        var line = JSONLine()
        line.field("seq", integer: seq)
        line.field("prev", string: previous)
        line.field("type", string: "file")
        line.field("time", string: timestamp(time))
        line.field("file", integer: fileNumber)
        if let note { line.field("note", string: note) }
        return line.finishObject()
    }

    /// `2026-12-01T14:05:10.123Z` (UTC, milliseconds), as the access log writes times.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        var text = AccessLog.secondPrefix(milliseconds / 1000)
        text.append(0x2E)
        text.appendDecimal(milliseconds % 1000, width: 3)
        text.append(0x5A)
        return String(decoding: text, as: UTF8.self)
    }
}
