import CHiredis
import NIOCore

/// Serialises command arguments to RESP with hiredis's `redisFormatCommandArgv` (binary safe).
enum RedisCommandEncoder {
    /// Formats `arguments` (name first) as one RESP multi-bulk request.
    static func encode(_ arguments: [[UInt8]]) -> ByteBuffer {
        precondition(!arguments.isEmpty, "a Redis command needs at least a name")
        // Lay every argument out in one contiguous block so that argv pointers stay valid during the call.
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        offsets.reserveCapacity(arguments.count)
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)  // never empty, so baseAddress is never nil
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return format(argv: argv, lengths: lengths)
        }
    }

    /// Formats string arguments (UTF-8) as one RESP multi-bulk request.
    static func encode(_ arguments: [String]) -> ByteBuffer {
        encode(arguments.map { Array($0.utf8) })
    }

    private static func format(argv: [UnsafePointer<CChar>?], lengths: [Int]) -> ByteBuffer {
        var target: UnsafeMutablePointer<CChar>?
        var argv = argv
        let length = argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                redisFormatCommandArgv(&target, Int32(argvBuffer.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
            }
        }
        guard length >= 0, let target else {
            fatalError("redisFormatCommandArgv failed (out of memory)")
        }
        defer { redisFreeCommand(target) }
        return ByteBuffer(bytes: UnsafeRawBufferPointer(start: target, count: Int(length)))
    }
}
