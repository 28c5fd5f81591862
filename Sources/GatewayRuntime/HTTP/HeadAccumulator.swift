import NIOCore

/// Gathers a message head (up to its blank line) that may arrive over several reads, without
/// copying a head that arrives whole. Shared by the request and upstream answer parsers.
struct HeadAccumulator {
    struct OverLimit: Error {}

    private var pending: ByteBuffer?

    /// Nothing of a head is waiting.
    var isEmpty: Bool { pending == nil }

    /// The whole head, taken from the front of `input` (with what came before it), once its blank
    /// line is there; else keeps what arrived and takes all of `input`. Throws when the head
    /// (or what is gathered of it) is over `limit` bytes.
    mutating func take(_ input: inout ByteBuffer, limit: Int) throws(OverLimit) -> ByteBuffer? {
        var source: ByteBuffer
        if var gathered = pending {
            gathered.writeImmutableBuffer(input)
            source = gathered
            input.moveReaderIndex(to: input.writerIndex)
        } else {
            source = input
        }
        guard let length = HTTPBytes.headLength(source) else {
            guard source.readableBytes <= limit else { throw OverLimit() }
            if pending == nil { input.moveReaderIndex(to: input.writerIndex) }
            pending = source
            return nil
        }
        guard length <= limit, let head = source.readSlice(length: length) else { throw OverLimit() }
        if pending != nil {
            pending = nil
            input = source  // what followed the head
        } else {
            input.moveReaderIndex(forwardBy: length)
        }
        return head
    }
}
