import NIOCore

/// A value of the Redis serialization protocol, version 2 (docs/redis.md): what a Redis server
/// answers. Commands go out as arrays of bulk strings (`RESPValue.command`).
enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    /// nil: the null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// nil: the null array (`*-1`).
    case array([RESPValue]?)

    /// The value as an integer (an integer reply, or a bulk string holding one).
    var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulkString(let bytes?): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    var text: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// Writes a command (`*N`, then each argument as a bulk string), as every Redis client sends them.
    static func command(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
    }
}
