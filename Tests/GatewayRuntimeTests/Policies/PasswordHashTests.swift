@testable import GatewayRuntime
import Testing

/// htpasswd hashes: each format Apache's `htpasswd` writes, checked against vectors it made
/// (`htpasswd -nbB`, `-nbm`, `-nbs`; `openssl passwd -apr1`), right and wrong passwords.
@Suite("htpasswd hashes")
struct PasswordHashTests {
    static let vectors: [(hash: String, password: String)] = [
        ("$2y$05$IEofy7lMhJ2bmABxByGR4OujhGtnMtoX8WJR9o3BtpjVK2pwokZA2", "alice-pass"),  // bcrypt, htpasswd -nbB
        ("$apr1$a7X9y/xG$3hSxLhxKLed8OU2qN2o5h1", "bob-pass"),  // htpasswd -nbm
        ("$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/", "secret"),  // openssl passwd -apr1 -salt abcdefgh
        ("{SHA}cOCGGs60OasSaxetg905pbDY2Zs=", "carol-pass"),  // htpasswd -nbs
    ]

    @Test(arguments: vectors.indices) func theRightPasswordVerifies(_ index: Int) throws {
        let vector = Self.vectors[index]
        let hash = try #require(PasswordHash(vector.hash))
        #expect(hash.verify(vector.password))
        #expect(!hash.verify(vector.password + "x"))
        #expect(!hash.verify(""))
    }

    @Test func cryptFormatsGoThroughLibxcrypt() throws {
        // A SHA-512 crypt made here with libxcrypt itself, then checked both ways.
        let made = try #require(PasswordHash.crypt("pw", setting: "$6$saltsalt$"))
        let hash = try #require(PasswordHash(made))
        #expect(hash.scheme == .crypt)
        #expect(hash.verify("pw") && !hash.verify("pw2"))
    }

    @Test func plainTextAndUnknownFormatsAreRefused() {
        #expect(PasswordHash("plaintext-password") == nil)
        #expect(PasswordHash("$9$unknown") == nil)
        #expect(PasswordHash("") == nil)
    }
}
