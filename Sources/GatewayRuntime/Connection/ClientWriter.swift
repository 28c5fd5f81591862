import NIOCore
import NIOHTTP1

/// Makes every byte gwrun sends a client: answers it makes itself (buffered or streamed), the
/// head of a proxied answer, `100 Continue` and refusals. The rules that concern every answer
/// live here once: a HEAD answer has the length a GET would get and no body; a connection that
/// closes says `connection: close`, an HTTP/1.0 one kept alive says `keep-alive`; a streamed body
/// is chunked for HTTP/1.1 and ended by closing for HTTP/1.0; no header line carries CR, LF or NUL.
/// The connection handler (and an AI request's task) write only what it makes.
enum ClientWriter {
    /// How an answer's body goes out.
    enum Body: Equatable {
        /// `content-length` and the bytes (left out for HEAD).
        case length(Int)
        /// Chunked (HTTP/1.1), pieces to follow.
        case chunked
        /// HTTP/1.0 stream: the bytes as they come, then the connection closes.
        case untilClose
        /// HEAD: the head only.
        case none
    }

    /// A buffered answer in one buffer; returns the body bytes it holds.
    static func answer(_ response: GatewayResponse, requestMethod: String, version: HTTPVersion, closing: Bool, into out: inout ByteBuffer) -> Int {
        let sendsBody = requestMethod != "HEAD"
        writeHead(status: response.status, headers: response.headers, version: version, closing: closing, body: .length(response.body.readableBytes), into: &out)
        guard sendsBody else { return 0 }
        out.writeImmutableBuffer(response.body)
        return response.body.readableBytes
    }

    /// The head of an answer whose body is streamed: how its pieces are framed.
    static func streamHead(_ response: GatewayResponse, requestMethod: String, version: HTTPVersion, closing: Bool, into out: inout ByteBuffer) -> Body {
        let body: Body = requestMethod == "HEAD" ? .none : version.minor == 0 ? .untilClose : .chunked
        writeHead(status: response.status, headers: response.headers, version: version, closing: closing || body == .untilClose, body: body, into: &out)
        return body
    }

    /// One piece of a streamed body, framed as `body` says.
    static func piece(_ bytes: ByteBuffer, body: Body, into out: inout ByteBuffer) {
        switch body {
        case .chunked:
            guard bytes.readableBytes > 0 else { return }  // an empty chunk would end the body
            out.writeString(String(bytes.readableBytes, radix: 16))
            out.writeStaticString("\r\n")
            out.writeImmutableBuffer(bytes)
            out.writeStaticString("\r\n")
        case .untilClose: out.writeImmutableBuffer(bytes)
        case .length, .none: break
        }
    }

    /// The end of a streamed body.
    static func end(body: Body, into out: inout ByteBuffer) {
        if body == .chunked { out.writeStaticString("0\r\n\r\n") }
    }

    static func continueHead(version: HTTPVersion, into out: inout ByteBuffer) {
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0 100 Continue\r\n\r\n" : "HTTP/1.1 100 Continue\r\n\r\n")
    }

    /// A refusal that ends the connection (400, 408, 431, 501, 505): the reason names the fault's
    /// structure, never a value the client sent.
    static func refusal(status: Int, reason: String, into out: inout ByteBuffer) {
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        let text = "\(status) \(phrase)\(reason.isEmpty ? "" : ": " + reason)\n"
        writeHead(status: status, headers: [("content-type", "text/plain; charset=utf-8")], version: .http1_1, closing: true, body: .length(text.utf8.count), into: &out)
        out.writeString(text)
    }

    /// A proxied answer's head: the upstream's lines as they came, rewritten for the client.
    static func proxiedHead(
        _ head: UpstreamResponseHead, version: HTTPVersion, dechunked: Bool, closing: Bool, replacing: [(name: String, value: String)]?, requestID: String = "", into out: inout ByteBuffer
    ) {
        let connection: StaticString? = closing ? "close" : (version.minor == 0 ? "keep-alive" : nil)
        head.write(to: &out, version: version, dechunked: dechunked, connection: connection, replacing: replacing, requestID: requestID)
    }

    private static func writeHead(status: Int, headers: [(name: String, value: String)], version: HTTPVersion, closing: Bool, body: Body, into out: inout ByteBuffer) {
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(status))
        out.writeStaticString(" ")
        out.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        out.writeStaticString("\r\n")
        for header in headers where !isFraming(header.name) { HTTPBytes.writeField(header, into: &out) }
        switch body {
        case .length(let length):
            out.writeStaticString("content-length: ")
            out.writeString(String(length))
            out.writeStaticString("\r\n")
        case .chunked: out.writeStaticString("transfer-encoding: chunked\r\n")
        case .untilClose, .none: break
        }
        if closing {
            out.writeStaticString("connection: close\r\n")
        } else if version.minor == 0 {
            out.writeStaticString("connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
    }

    /// Headers the writer sets itself from the answer's framing and the connection's fate.
    private static func isFraming(_ name: String) -> Bool {
        HeaderName.matches(name, "content-length") || HeaderName.matches(name, "transfer-encoding") || HeaderName.matches(name, "connection")
    }
}
