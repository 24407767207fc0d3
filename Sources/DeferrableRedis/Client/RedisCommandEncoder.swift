import NIOCore

/// Serialises one command's arguments to RESP with a ``RESPWriter``, sized up front: one allocation per command.
///
/// The output is byte-for-byte what hiredis's `redisFormatCommandArgv` produces (a test checks this).
enum RedisCommandEncoder {
    /// Formats `arguments` (name first) as one RESP multi-bulk request.
    static func encode(_ arguments: [[UInt8]]) -> ByteBuffer {
        var writer = RESPWriter(capacity: arguments.reduce(16) { $0 + $1.count + 16 })
        writer.command(arguments: arguments.count)
        for argument in arguments {
            writer.bulk(argument)
        }
        return writer.buffer
    }

    /// Formats a name followed by binary arguments, without building a combined array.
    static func encode(name: String, _ arguments: [[UInt8]]) -> ByteBuffer {
        var writer = RESPWriter(capacity: arguments.reduce(name.utf8.count + 32) { $0 + $1.count + 16 })
        writer.command(arguments: arguments.count + 1)
        writer.bulk(name)
        for argument in arguments {
            writer.bulk(argument)
        }
        return writer.buffer
    }

    /// Formats string arguments (UTF-8) as one RESP multi-bulk request.
    static func encode(_ arguments: [String]) -> ByteBuffer {
        var writer = RESPWriter(capacity: arguments.reduce(16) { $0 + $1.utf8.count + 16 })
        writer.command(arguments: arguments.count)
        for argument in arguments {
            writer.bulk(argument)
        }
        return writer.buffer
    }
}
