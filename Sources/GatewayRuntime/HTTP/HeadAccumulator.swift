import NIOCore

/// Gathers a message head (up to its blank line) that may arrive over several reads, without
/// copying a head that arrives whole. Shared by the request and upstream answer parsers.
///
/// Linear in the head's size however it is cut: what has arrived is appended to one buffer this
/// value owns alone (so appending never copies it), and the search for the blank line resumes
/// where the last one stopped instead of rescanning from the start. (It used to do both per
/// read: a 60 KiB head in 1-byte pieces cost about 940 million byte visits.)
struct HeadAccumulator {
    struct OverLimit: Error {}

    private var pending: ByteBuffer?
    /// Bytes of `pending` already searched for the blank line.
    private var searched = 0
    /// Bytes examined by the blank-line search, over this value's life (tests check it is linear).
    private(set) var bytesSearched = 0

    /// Nothing of a head is waiting.
    var isEmpty: Bool { pending == nil }

    /// The whole head, taken from the front of `input` (with what came before it), once its blank
    /// line is there; else keeps what arrived and takes all of `input`. Throws when the head
    /// (or what is gathered of it) is over `limit` bytes.
    mutating func take(_ input: inout ByteBuffer, limit: Int) throws(OverLimit) -> ByteBuffer? {
        guard var gathered = pending else {
            let found = HTTPBytes.headLength(input, from: 0)
            bytesSearched += found.scanned
            guard let length = found.length else {
                guard input.readableBytes <= limit else { throw OverLimit() }
                pending = input
                searched = input.readableBytes
                input.moveReaderIndex(to: input.writerIndex)
                return nil
            }
            guard length <= limit, let head = input.readSlice(length: length) else { throw OverLimit() }
            return head
        }
        // Owned alone while appending: `pending` no longer shares its storage.
        pending = nil
        gathered.writeImmutableBuffer(input)
        input.moveReaderIndex(to: input.writerIndex)
        // The blank line may straddle the old end: resume three bytes before it.
        let found = HTTPBytes.headLength(gathered, from: max(0, searched - 3))
        bytesSearched += found.scanned
        guard let length = found.length else {
            guard gathered.readableBytes <= limit else { throw OverLimit() }
            searched = gathered.readableBytes
            pending = gathered
            return nil
        }
        guard length <= limit, let head = gathered.readSlice(length: length) else { throw OverLimit() }
        searched = 0
        input = gathered  // what followed the head
        return head
    }
}
