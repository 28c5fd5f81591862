import Testing

@testable import GatewayRuntime

@Suite("--redis URL")
struct RedisAddressTests {
    @Test func hostPortUserAndDefaults() throws {
        func parts(_ url: String) throws -> String {
            let address = try RedisClient.Address(url: url)
            return "\(address.username ?? "-") \(address.host) \(address.port)"
        }
        #expect(try parts("redis://redis.gateway:6380") == "- redis.gateway 6380")
        #expect(try parts("redis://127.0.0.1") == "- 127.0.0.1 6379")
        #expect(try parts("redis://gwrun@[::1]:7000/0") == "gwrun ::1 7000")
    }

    @Test(arguments: ["http://r:6379", "redis://", "redis://h:0", "redis://h:99999", "redis://h:6379/2", "rediss://h:6379"])
    func unusableURLsAreRefused(_ url: String) {
        #expect(throws: RedisClient.Address.Refusal.self) { try RedisClient.Address(url: url) }
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingEchoed() {
        do {
            _ = try RedisClient.Address(url: "redis://user:s3cret-marker@h:6379")
            Issue.record("accepted a password in the URL")
        } catch {
            #expect("\(error)".contains("--redis-password-file"))
            #expect(!"\(error)".contains("s3cret-marker"))
        }
    }
}
