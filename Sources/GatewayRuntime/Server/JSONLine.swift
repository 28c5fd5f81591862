/// A JSON object written field by field into bytes, for the access log's fixed shape.
struct JSONLine {
    private var bytes: [UInt8] = [0x7B]
    private var first = true

    private mutating func key(_ name: String) {
        if !first { bytes.append(0x2C) }
        first = false
        bytes.append(0x22)
        bytes += name.utf8
        bytes += [0x22, 0x3A]
    }

    mutating func field(_ name: String, string value: String) {
        key(name)
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    mutating func field(_ name: String, integer value: Int) {
        key(name)
        bytes += String(value).utf8
    }

    /// Milliseconds with three decimals (microseconds).
    mutating func field(_ name: String, milliseconds value: Double) {
        key(name)
        let micros = Int((value * 1000).rounded())
        let fraction = micros % 1000
        bytes += "\(micros / 1000).\(fraction < 10 ? "00" : fraction < 100 ? "0" : "")\(fraction)".utf8
    }

    func finished() -> [UInt8] { bytes + [0x7D, 0x0A] }
}
