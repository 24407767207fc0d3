/// A reply received from Redis (RESP2).
///
/// Null bulk strings (`$-1`) and null arrays (`*-1`) are both represented as ``null``.
/// A top-level error reply is normally surfaced as a thrown ``RedisError/server(message:)``;
/// ``error(_:)`` only appears nested inside arrays (for example in `EXEC` results).
public enum RedisValue: Sendable, Equatable, Hashable {
    /// A status reply such as `+OK`.
    case simpleString(String)
    /// An error reply such as `-ERR unknown command`, without the leading `-`.
    case error(String)
    /// An integer reply (`:42`).
    case integer(Int64)
    /// A binary-safe bulk string reply.
    case bulkString([UInt8])
    /// A null bulk string or null array.
    case null
    /// An array (multi-bulk) reply.
    case array([RedisValue])

    /// The value as a UTF-8 string, for simple and bulk strings (invalid UTF-8 is repaired); `nil` otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let string):
            return string
        case .bulkString(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        default:
            return nil
        }
    }

    /// The value as an integer: an integer reply, or a simple or bulk string holding a decimal integer.
    public var int: Int64? {
        switch self {
        case .integer(let value):
            return value
        case .simpleString(let string):
            return Int64(string)
        case .bulkString(let bytes):
            return bytes.count <= 20 ? Int64(String(decoding: bytes, as: UTF8.self)) : nil
        default:
            return nil
        }
    }

    /// The raw bytes of a bulk or simple string; `nil` otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes):
            return bytes
        case .simpleString(let string):
            return Array(string.utf8)
        default:
            return nil
        }
    }

    /// The elements of an array reply; `nil` otherwise.
    public var array: [RedisValue]? {
        if case .array(let elements) = self {
            return elements
        }
        return nil
    }

    /// Whether this is a null reply.
    public var isNull: Bool {
        if case .null = self {
            return true
        }
        return false
    }
}

extension RedisValue: CustomStringConvertible {
    /// A short human-readable rendering, for logs and test failures (long bulk strings are truncated).
    public var description: String {
        switch self {
        case .simpleString(let string):
            return "+\(string)"
        case .error(let message):
            return "-\(message)"
        case .integer(let value):
            return ":\(value)"
        case .bulkString(let bytes):
            if bytes.count > 64 {
                return "\"\(String(decoding: bytes.prefix(64), as: UTF8.self))…\" (\(bytes.count) bytes)"
            }
            return "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .null:
            return "(nil)"
        case .array(let elements):
            return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
