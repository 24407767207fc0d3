import NIOCore

/// Writes RESP requests (multi-bulk arrays of bulk strings) straight into one buffer, binary safe.
///
/// Several commands may be written one after another and sent as one pipeline; nothing is allocated per argument.
struct RESPWriter {
    /// The bytes written so far.
    private(set) var buffer: ByteBuffer

    /// Creates a writer whose buffer starts with room for `capacity` bytes.
    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Starts a command of `count` arguments (its name included); write exactly that many bulks next.
    mutating func command(arguments count: Int) {
        buffer.writeInteger(UInt8(ascii: "*"))
        buffer.writeString(String(count))
        buffer.writeStaticString("\r\n")
    }

    /// Writes one argument.
    mutating func bulk(_ bytes: [UInt8]) {
        buffer.writeInteger(UInt8(ascii: "$"))
        buffer.writeString(String(bytes.count))
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// Writes one argument, UTF-8.
    mutating func bulk(_ string: String) {
        buffer.writeInteger(UInt8(ascii: "$"))
        buffer.writeString(String(string.utf8.count))
        buffer.writeStaticString("\r\n")
        buffer.writeString(string)
        buffer.writeStaticString("\r\n")
    }

    /// Starts one argument of `length` bytes written in parts: write exactly that many bytes with ``part(_:)-(String)``
    /// and ``part(_:)-([UInt8])``, then call ``endBulk()``.
    mutating func beginBulk(length: Int) {
        buffer.writeInteger(UInt8(ascii: "$"))
        buffer.writeString(String(length))
        buffer.writeStaticString("\r\n")
    }

    /// Writes part of an argument begun with ``beginBulk(length:)``, UTF-8.
    mutating func part(_ string: String) {
        buffer.writeString(string)
    }

    /// Writes part of an argument begun with ``beginBulk(length:)``.
    mutating func part(_ bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    /// Ends an argument begun with ``beginBulk(length:)``.
    mutating func endBulk() {
        buffer.writeStaticString("\r\n")
    }
}
