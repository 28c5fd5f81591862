import GatewayRuntime
import NIOCore
import Testing

/// A request target split once into the path routing uses and the query.
@Suite("Incoming request")
struct IncomingRequestTests {
    @Test(arguments: [
        ("/v1/chat/completions", "/v1/chat/completions", ""),
        ("/search?q=caf%C3%A9&x=1", "/search", "q=caf%C3%A9&x=1"),
        ("/é/path?", "/é/path", ""),
        ("/?a=?b", "/", "a=?b"),
    ])
    func targetSplitsAtTheFirstQuestionMark(_ target: String, _ path: String, _ query: String) {
        let request = IncomingRequest(method: "GET", target: target, headers: [("Host", "x")], body: ByteBuffer(), listenerPort: 8080)
        #expect(request.path == path)
        #expect(request.query == query)
        #expect(request.header("host") == "x")
    }
}
