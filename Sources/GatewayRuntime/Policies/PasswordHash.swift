import CCrypt
import Crypto
import Foundation

/// One htpasswd hash, in the formats Apache's `htpasswd` writes: bcrypt (`$2y$`, `$2b$`, `$2a$`),
/// Apache's MD5 (`$apr1$`), SHA-1 (`{SHA}`), and crypt(3) (`$1$`, `$5$`, `$6$`, DES). Plain text
/// passwords are refused: Apache accepts them only on Windows, and a table must not hold them.
struct PasswordHash: Sendable {
    enum Scheme: Sendable { case bcrypt, apr1, sha1, crypt }
    let scheme: Scheme
    let hash: String

    /// nil for text that is none of the formats above.
    init?(_ text: String) {
        hash = text
        if text.hasPrefix("$2y$") || text.hasPrefix("$2b$") || text.hasPrefix("$2a$") {
            scheme = .bcrypt
        } else if text.hasPrefix("$apr1$") {
            scheme = .apr1
        } else if text.hasPrefix("{SHA}") {
            scheme = .sha1
        } else if text.hasPrefix("$1$") || text.hasPrefix("$5$") || text.hasPrefix("$6$") || Self.isDESCrypt(text) {
            scheme = .crypt
        } else {
            return nil
        }
    }

    private static func isDESCrypt(_ text: String) -> Bool {
        text.utf8.count == 13 && text.utf8.allSatisfy { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// Whether `password` hashes to this hash; the final comparison takes constant time.
    func verify(_ password: String) -> Bool {
        let computed: String?
        switch scheme {
        case .bcrypt, .crypt: computed = Self.crypt(password, setting: hash)
        case .apr1: computed = Self.apr1(password, setting: hash)
        case .sha1: computed = "{SHA}" + Data(Insecure.SHA1.hash(data: Array(password.utf8))).base64EncodedString()
        }
        guard let computed else { return false }
        return ConstantTime.equal(Array(computed.utf8), Array(hash.utf8))
    }

    /// crypt(3) through libxcrypt's reentrant `crypt_r`; nil when it refuses the setting.
    static func crypt(_ password: String, setting: String) -> String? {
        // crypt_data is large (32 KiB) and must start zeroed.
        guard let data = calloc(1, MemoryLayout<crypt_data>.size)?.assumingMemoryBound(to: crypt_data.self) else { return nil }
        defer { free(data) }
        guard let result = crypt_r(password, setting, data) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text  // "*0" / "*1": failure tokens
    }

    /// Apache's MD5 crypt (`$apr1$salt$hash`): md5crypt with the magic `$apr1$`.
    static func apr1(_ password: String, setting: String) -> String? {
        let magic = Array("$apr1$".utf8)
        let rest = setting.utf8.dropFirst(magic.count)
        let salt = Array(rest.prefix { $0 != UInt8(ascii: "$") }.prefix(8))
        let key = Array(password.utf8)
        var context = Insecure.MD5()
        context.update(data: key + magic + salt)
        let alternate = Array(Insecure.MD5.hash(data: key + salt + key))
        var remaining = key.count
        while remaining > 0 {
            context.update(data: alternate.prefix(min(16, remaining)))
            remaining -= 16
        }
        var bits = key.count
        while bits > 0 {
            context.update(data: bits & 1 == 1 ? [0] : [key.first ?? 0])
            bits >>= 1
        }
        var final = Array(context.finalize())
        for round in 0..<1000 {
            var step = Insecure.MD5()
            step.update(data: round & 1 == 1 ? key : final)
            if round % 3 != 0 { step.update(data: salt) }
            if round % 7 != 0 { step.update(data: key) }
            step.update(data: round & 1 == 1 ? final : key)
            final = Array(step.finalize())
        }
        var encoded = ""
        func append(_ value: Int, _ count: Int) {
            let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            var value = value
            for _ in 0..<count {
                encoded.append(alphabet[value & 0x3F])
                value >>= 6
            }
        }
        for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
            append(Int(final[a]) << 16 | Int(final[b]) << 8 | Int(final[c]), 4)
        }
        append(Int(final[11]), 2)
        return "$apr1$" + String(decoding: salt, as: UTF8.self) + "$" + encoded
    }
}
