import NIOCore

/// Serialises command arguments to RESP (a multi-bulk request of bulk strings), binary safe.
///
/// Written directly into one `ByteBuffer` sized up front: no intermediate arrays, one allocation per command.
/// The output is byte-for-byte what hiredis's `redisFormatCommandArgv` produces (a test checks this).
enum RedisCommandEncoder {
    /// Formats `arguments` (name first) as one RESP multi-bulk request.
    static func encode(_ arguments: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: arguments.reduce(16) { $0 + $1.count + 16 })
        writeHeader(count: arguments.count, into: &buffer)
        for argument in arguments {
            writeBulk(argument, into: &buffer)
        }
        return buffer
    }

    /// Formats a name followed by binary arguments, without building a combined array.
    static func encode(name: String, _ arguments: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: arguments.reduce(name.utf8.count + 32) { $0 + $1.count + 16 })
        writeHeader(count: arguments.count + 1, into: &buffer)
        writeBulk(name, into: &buffer)
        for argument in arguments {
            writeBulk(argument, into: &buffer)
        }
        return buffer
    }

    /// Formats string arguments (UTF-8) as one RESP multi-bulk request.
    static func encode(_ arguments: [String]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: arguments.reduce(16) { $0 + $1.utf8.count + 16 })
        writeHeader(count: arguments.count, into: &buffer)
        for argument in arguments {
            writeBulk(argument, into: &buffer)
        }
        return buffer
    }

    private static func writeHeader(count: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(count, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    private static func writeBulk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(bytes.count, into: &buffer)
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    private static func writeBulk(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(string.utf8.count, into: &buffer)
        buffer.writeStaticString("\r\n")
        buffer.writeString(string)
        buffer.writeStaticString("\r\n")
    }

    /// Writes a non-negative integer in decimal ASCII (a small string: no allocation).
    private static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        buffer.writeString(String(value))
    }
}
