import GatewayIR

/// Seeded random edits of protocol messages (a byte replaced, inserted or removed, or the message
/// cut short), for the parsers' tests: each message is paired with a random piece size (1 to 7
/// bytes) to feed it in. Only edits that stay valid UTF-8 are kept, since the tests feed text.
enum Mutations {
    static func of(_ seeds: [String], alphabet: [UInt8], rounds: Int, seed: UInt64) -> [(text: String, pieceSize: Int)] {
        let seeds = seeds.map { Array($0.utf8) }
        var random = SplitMix64(seed: seed)
        var result: [(text: String, pieceSize: Int)] = []
        for round in 0..<rounds {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(bytes.count + 1))
                switch random.next() % 4 {
                case 0 where position < bytes.count: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                case 2 where position < bytes.count: bytes.remove(at: position)
                default: bytes = Array(bytes[..<position])
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let pieceSize = 1 + Int(random.next() % 7)
            if text.utf8.elementsEqual(bytes) { result.append((text, pieceSize)) }
        }
        return result
    }
}
