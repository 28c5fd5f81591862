import Foundation
import NIOCore

/// An upgraded connection (HTTP/1.1 `Upgrade`, WebSocket) through a plain route, decided without
/// sockets: which requests ask for it, and what the upstream's first bytes mean. After a 101 the
/// bytes are relayed both ways untouched until either side closes; any other answer is relayed
/// as it comes and ends the connection when it is complete (by `content-length`, the last chunk,
/// or the upstream closing), since its framing is the upstream's.
struct TunnelStateMachine {
    /// The `Upgrade` value when `headers` ask for an upgrade (`Connection: upgrade` and an `Upgrade` header).
    static func upgrade(in headers: [(name: String, value: String)]) -> String? {
        var connectionUpgrade = false, protocolName: String?
        for header in headers {
            if HeaderName.matches(header.name, "connection") {
                connectionUpgrade = connectionUpgrade || header.value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "upgrade" }
            } else if HeaderName.matches(header.name, "upgrade"), !header.value.isEmpty {
                protocolName = header.value
            }
        }
        return connectionUpgrade ? protocolName : nil
    }

    enum State: Equatable {
        /// Reading the upstream's answer head.
        case head
        /// 101: relaying both ways.
        case tunnel
        /// Another answer: `remaining` body bytes (nil: until the upstream closes), or chunked.
        case answer(remaining: Int?, chunked: Bool)
        case finished
    }

    enum Action: Equatable {
        /// Pass the bytes to the client.
        case forward
        /// Pass them, then close both sides: the answer is complete.
        case forwardAndClose
    }

    private(set) var state = State.head
    private(set) var status: Int?
    private var headBytes: [UInt8] = []
    /// The end of a chunked body, looked for across reads.
    private var tail: [UInt8] = []
    static let maxHeadBytes = 64 << 10

    /// Upstream bytes arrived; what to do with them.
    mutating func upstreamBytes(_ bytes: ByteBufferView) -> Action {
        switch state {
        case .tunnel: return .forward
        case .finished: return .forwardAndClose
        case .answer: return consumeBody(Array(bytes))
        case .head:
            headBytes += bytes
            guard let end = Self.headEnd(headBytes) else {
                if headBytes.count > Self.maxHeadBytes { state = .finished; return .forwardAndClose }
                return .forward
            }
            let head = String(decoding: headBytes[..<end], as: UTF8.self)
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusCode = lines.first.flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 502
            status = statusCode
            let body = Array(headBytes[(end + 4)...])
            headBytes = []
            if statusCode == 101 {
                state = .tunnel
                return .forward
            }
            var length: Int?, chunked = false
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
                if name == "content-length" { length = Int(value) }
                if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
            }
            state = .answer(remaining: chunked ? nil : length, chunked: chunked)
            return consumeBody(body)
        }
    }

    private mutating func consumeBody(_ bytes: [UInt8]) -> Action {
        guard case .answer(let remaining, let chunked) = state else { return .forward }
        if chunked {
            tail = Array((tail + bytes).suffix(5))
            if tail == Array("0\r\n\r\n".utf8) { state = .finished; return .forwardAndClose }
            return .forward
        }
        guard let remaining else { return .forward }
        let left = remaining - bytes.count
        if left <= 0 { state = .finished; return .forwardAndClose }
        state = .answer(remaining: left, chunked: false)
        return .forward
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index }
        return nil
    }
}
