import NIOCore

/// A Redis command, already serialised to RESP (binary safe), ready to be sent.
///
/// ```swift
/// let get = RedisCommand("GET", "job:42")
/// let set = RedisCommand("SET", [Array("blob".utf8), [0, 1, 2]])
/// ```
public struct RedisCommand: Sendable, CustomStringConvertible {
    /// The command name as given (first argument), used in logs and timeout errors.
    public let name: String
    /// The RESP encoding of the whole command.
    package let encoded: ByteBuffer
    /// The Redis Cluster slot of the command's first key (see ``RedisCommandRouting``), or `nil` for a command
    /// without keys; a cluster client sends the command to the primary serving that slot.
    let slot: RedisHashSlot?

    /// Creates a command from string arguments, the command name first.
    public init(_ arguments: String...) {
        self.init(arguments)
    }

    /// Creates a command from string arguments (UTF-8), the command name first.
    public init(_ arguments: [String]) {
        precondition(!arguments.isEmpty, "a Redis command needs at least a name")
        self.name = arguments[0]
        self.encoded = RedisCommandEncoder.encode(arguments)
        self.slot = RedisCommandRouting.slot(name: arguments[0], arguments: arguments.dropFirst()) { Array($0.utf8) }
    }

    /// Creates a command from binary arguments, the command name first.
    public init(_ arguments: [[UInt8]]) {
        precondition(!arguments.isEmpty, "a Redis command needs at least a name")
        self.name = String(decoding: arguments[0].prefix(32), as: UTF8.self)
        self.encoded = RedisCommandEncoder.encode(arguments)
        self.slot = RedisCommandRouting.slot(name: name, arguments: arguments.dropFirst()) { $0 }
    }

    /// Creates a command from a name and binary arguments, e.g. `RedisCommand("SET", [key, payload])`.
    public init(_ name: String, _ arguments: [[UInt8]]) {
        self.name = name
        self.encoded = RedisCommandEncoder.encode(name: name, arguments)
        self.slot = RedisCommandRouting.slot(name: name, arguments: arguments[...]) { $0 }
    }

    /// The command name only (arguments may hold payloads or secrets, so they are not shown).
    public var description: String {
        name
    }
}
