/// Finds the raw byte range of one member of a top-level JSON object without decoding it.
///
/// Used to lift the `args` value out of an envelope as it was written, so it can be decoded later into the
/// registered argument type (and written back unchanged on retry). The scanner validates structure only as
/// far as it needs to; the rest of the envelope is validated by `JSONDecoder`.
struct JSONTopLevelScanner {
    enum ScanError: Error {
        case malformed(Int)
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The raw JSON text of the top-level member named `key`, or `nil` when the object has no such member.
    static func rawValue(ofKey key: String, in bytes: [UInt8]) throws -> ArraySlice<UInt8>? {
        var scanner = JSONTopLevelScanner(bytes)
        return try scanner.find(key: Array(key.utf8))
    }

    private mutating func find(key: [UInt8]) throws -> ArraySlice<UInt8>? {
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { return nil }
        var found: ArraySlice<UInt8>?
        while true {
            skipWhitespace()
            let keyRange = try skipString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let valueStart = index
            try skipValue()
            // Keys are compared on their raw bytes between the quotes: envelope keys are plain ASCII.
            if found == nil, bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)].elementsEqual(key) {
                found = bytes[valueStart..<index]
            }
            skipWhitespace()
            guard let next = peek() else { throw ScanError.malformed(index) }
            index += 1
            if next == UInt8(ascii: "}") { return found }
            if next != UInt8(ascii: ",") { throw ScanError.malformed(index) }
        }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
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
            if index == start { throw ScanError.malformed(index) }
        }
    }

    private mutating func skipContainer() throws {
        var depth = 0
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                _ = try skipString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                break
            }
            index += 1
            if depth == 0 { return }
        }
        throw ScanError.malformed(index)
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
            || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
