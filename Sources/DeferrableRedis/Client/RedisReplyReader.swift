import CHiredis
import NIOCore

/// Incremental RESP parser backed by a hiredis 0.14 `redisReader`.
///
/// Not thread-safe: owned by one ``RedisChannelHandler`` and used only on its event loop.
/// Call ``free()`` when the channel goes away (``deinit`` frees it too, as a backstop).
final class RedisReplyReader {
    private var reader: UnsafeMutablePointer<redisReader>?

    init() {
        guard let reader = redisReaderCreate() else {
            fatalError("redisReaderCreate failed (out of memory)")
        }
        self.reader = reader
    }

    deinit {
        free()
    }

    /// Releases the hiredis reader; later calls to ``feed(_:)`` throw.
    func free() {
        if let reader {
            redisReaderFree(reader)
            self.reader = nil
        }
    }

    /// Appends the readable bytes of `buffer` to the reader's input.
    func feed(_ buffer: ByteBuffer) throws(RedisError) {
        guard let reader else {
            throw RedisError.protocolError("reply reader already released")
        }
        let status = buffer.withUnsafeReadableBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return REDIS_OK
            }
            return redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        if status != REDIS_OK {
            throw RedisError.protocolError(errorString(reader))
        }
    }

    /// The next complete reply, or `nil` if more bytes are needed.
    func next() throws(RedisError) -> RedisValue? {
        guard let reader else {
            throw RedisError.protocolError("reply reader already released")
        }
        var replyPointer: UnsafeMutableRawPointer?
        if redisReaderGetReply(reader, &replyPointer) != REDIS_OK {
            throw RedisError.protocolError(errorString(reader))
        }
        guard let replyPointer else {
            return nil
        }
        defer { freeReplyObject(replyPointer) }
        return Self.convert(replyPointer.assumingMemoryBound(to: redisReply.self))
    }

    private func errorString(_ reader: UnsafeMutablePointer<redisReader>) -> String {
        let message = withUnsafeBytes(of: &reader.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return message.isEmpty ? "unparseable reply" : message
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .bulkString(bytes(value))
        case REDIS_REPLY_STATUS:
            return .simpleString(String(decoding: bytes(value), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(value), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(value.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = value.element else {
                return .array([])
            }
            var array: [RedisValue] = []
            array.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                if let element = elements[index] {
                    array.append(convert(element))
                } else {
                    array.append(.null)
                }
            }
            return .array(array)
        default:  // REDIS_REPLY_NIL
            return .null
        }
    }

    private static func bytes(_ reply: redisReply) -> [UInt8] {
        guard let string = reply.str, reply.len > 0 else {
            return []
        }
        return Array(UnsafeRawBufferPointer(start: string, count: reply.len))
    }
}
