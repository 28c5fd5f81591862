/// The chunked transfer coding (RFC 9112 §7.1), scanned byte by byte as it arrives however the
/// network cuts it: chunk sizes (extensions skipped), data, and trailer lines (skipped). Shared by
/// the parser of client requests and the one of upstream answers, which differ only in what they
/// do with the data and how they report a fault.
struct ChunkedFraming {
    enum Failure: Error {
        case size, overrun, trailers
    }

    private enum State {
        case size(value: Int, digits: Int, inExtension: Bool, sawCR: Bool)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine(sawCR: Bool)
        case trailerEndLF
        case done
    }

    private var state = State.size(value: 0, digits: 0, inExtension: false, sawCR: false)

    var isDone: Bool { if case .done = state { true } else { false } }

    /// Scans `bytes` from their start, passing the range of each piece of chunk data to `data`;
    /// returns how many bytes belong to the body (all of them, unless the body ended within them).
    mutating func scan(_ bytes: UnsafeRawBufferPointer, data: (Range<Int>) -> Void) throws(Failure) -> Int {
        var index = 0
        while index < bytes.count {
            switch state {
            case .size(var value, var digits, var inExtension, let sawCR):
                let byte = bytes[index]
                index += 1
                if sawCR {
                    guard byte == 0x0A, digits > 0 else { throw .size }
                    state = value == 0 ? .trailerLineStart : .data(remaining: value)
                    continue
                }
                if byte == 0x0D {
                    state = .size(value: value, digits: digits, inExtension: inExtension, sawCR: true)
                    continue
                }
                if inExtension {
                    guard byte != 0x0A, byte != 0 else { throw .size }
                    continue
                }
                if byte == 0x3B {
                    inExtension = true
                } else {
                    guard let digit = Self.hexValue(byte), digits < 15 else { throw .size }
                    value = value << 4 | digit
                    digits += 1
                }
                state = .size(value: value, digits: digits, inExtension: inExtension, sawCR: false)
            case .data(let remaining):
                let count = min(remaining, bytes.count - index)
                data(index..<(index + count))
                index += count
                state = count == remaining ? .dataCR : .data(remaining: remaining - count)
            case .dataCR:
                guard bytes[index] == 0x0D else { throw .overrun }
                index += 1
                state = .dataLF
            case .dataLF:
                guard bytes[index] == 0x0A else { throw .overrun }
                index += 1
                state = .size(value: 0, digits: 0, inExtension: false, sawCR: false)
            case .trailerLineStart:
                let byte = bytes[index]
                index += 1
                state = byte == 0x0D ? .trailerEndLF : .trailerLine(sawCR: false)
            case .trailerLine(let sawCR):
                let byte = bytes[index]
                index += 1
                if byte == 0x0A, sawCR { state = .trailerLineStart } else { state = .trailerLine(sawCR: byte == 0x0D) }
            case .trailerEndLF:
                guard bytes[index] == 0x0A else { throw .trailers }
                index += 1
                state = .done
                return index
            case .done:
                return index
            }
        }
        return index
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
