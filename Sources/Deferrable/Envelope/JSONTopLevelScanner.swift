/// Splits a JSON object into its members without decoding the values: each member's raw value text.
///
/// Used to read envelopes fast: the `args` value is kept as the producer wrote it (decoded into the registered
/// type only when the job runs, written back unchanged on retry), and the other fields are read with
/// ``JSONValueReader``. It checks the structure (strings, nesting, literals, numbers) of everything it skips.
struct JSONTopLevelScanner {
    enum ScanError: Error {
        case malformed(Int)
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    private init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    /// The members of the JSON object `bytes` (which must be exactly one object, surrounded by optional white
    /// space), by key. When a key appears twice the first value wins.
    static func members(of bytes: ArraySlice<UInt8>) throws -> [String: ArraySlice<UInt8>] {
        var members: [String: ArraySlice<UInt8>] = [:]
        try forEachMember(of: bytes) { key, value in
            guard let name = String(validating: key, as: UTF8.self) else { throw ScanError.malformed(key.startIndex) }
            if members[name] == nil { members[name] = value }
        }
        return members
    }

    /// Calls `body` with each member of the JSON object `bytes` (which must be exactly one object, surrounded by
    /// optional white space), in order: the key's UTF-8 bytes (unescaped) and the raw value text. Duplicate keys
    /// are passed as they come.
    static func forEachMember(
        of bytes: ArraySlice<UInt8>,
        _ body: (_ key: ArraySlice<UInt8>, _ value: ArraySlice<UInt8>) throws -> Void
    ) throws {
        var scanner = JSONTopLevelScanner(bytes)
        try scanner.scanObject(body)
        scanner.skipWhitespace()
        guard scanner.index == bytes.endIndex else { throw ScanError.malformed(scanner.index) }
    }

    private mutating func scanObject(_ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) throws -> Void) throws {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            let keyRange = try skipString()
            let rawKey = bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]
            // Keys without escapes (all of the envelope's) are passed as they are, without a String.
            let key = rawKey.contains(UInt8(ascii: "\\")) ? Array(try JSONValueReader.string(bytes[keyRange]).utf8)[...] : rawKey
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let valueStart = index
            try skipValue()
            try body(key, bytes[valueStart..<index])
            skipWhitespace()
            guard let next = peek() else { throw ScanError.malformed(index) }
            index += 1
            if next == UInt8(ascii: "}") { return }
            if next != UInt8(ascii: ",") { throw ScanError.malformed(index) }
        }
    }

    private func peek() -> UInt8? {
        index < bytes.endIndex ? bytes[index] : nil
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw ScanError.malformed(index) }
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private mutating func skipString() throws -> Range<Int> {
        let start = index
        try expect(UInt8(ascii: "\""))
        while let byte = peek() {
            index += 1
            if byte == UInt8(ascii: "\\") {
                guard peek() != nil else { throw ScanError.malformed(index) }
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                return start..<index
            } else if byte < 0x20 {
                throw ScanError.malformed(index)
            }
        }
        throw ScanError.malformed(index)
    }

    private mutating func skipValue() throws {
        guard let first = peek() else { throw ScanError.malformed(index) }
        switch first {
        case UInt8(ascii: "\""):
            _ = try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer()
        default:
            let start = index
            while let byte = peek(), !Self.isDelimiter(byte) { index += 1 }
            guard JSONValueReader.isLiteralOrNumber(bytes[start..<index]) else { throw ScanError.malformed(start) }
        }
    }

    /// Skips an object or array, checking that brackets match and strings are closed.
    private mutating func skipContainer() throws {
        var open: [UInt8] = []
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                _ = try skipString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                let expected = byte == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "[")
                guard open.popLast() == expected else { throw ScanError.malformed(index) }
            default:
                break
            }
            index += 1
            if open.isEmpty { return }
        }
        throw ScanError.malformed(index)
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
            || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
