/// The pieces of an OpenAI Chat Completions event stream as the translators that read one need
/// them (`CompletionsStreamTranslator`, `ResponsesStreamTranslator`): each chunk parsed, the
/// `[DONE]` that ends a whole answer, and a failure (an unreadable stream, or a chunk carrying
/// `error`). Data that is not JSON is skipped, as the OpenAI SDKs do.
struct CompletionsChunkReader {
    enum Piece {
        case chunk(JSONNode)
        case done
        case failed(String)
    }

    private var events = ServerSentEvents()

    /// The pieces these bytes complete, in order; nothing follows a `done` or `failed` one.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Piece] {
        let datas: [[UInt8]]
        do { datas = try events.feed(bytes) } catch { return [.failed("\(error)")] }
        var pieces: [Piece] = []
        for data in datas {
            if data.elementsEqual("[DONE]".utf8) { return pieces + [.done] }
            guard let chunk = try? JSONNode.parse(data) else { continue }
            if let error = chunk["error"], !error.isNull {
                return pieces + [.failed(error["message"]?.string ?? "the provider's stream reported an error")]
            }
            pieces.append(.chunk(chunk))
        }
        return pieces
    }
}
