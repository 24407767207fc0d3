/// A JSON text parsed strictly (RFC 8259: no comments, trailing commas, leading zeros, raw control characters in
/// strings, invalid UTF-8 or lone surrogates), as ``ArgumentsDecoder`` reads it. Objects keep their members in
/// document order; an object with a key written twice is refused. Numbers keep their text.
enum JSONTree {
    case null
    case bool(Bool)
    case number(ArraySlice<UInt8>)
    case string(String)
    case array([JSONTree])
    case object([(key: String, value: JSONTree)])

    /// Why a text was refused (``ArgumentsDecoder`` then leaves the text to Foundation, which says why).
    struct Refused: Error {}

    /// Parses one JSON text, with whitespace around it allowed.
    static func parse(_ bytes: [UInt8]) throws(Refused) -> JSONTree {
        var parser = Parser(bytes: bytes)
        let tree = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.endIndex else { throw Refused() }
        return tree
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        /// Deeper texts are left to Foundation.
        static let maxDepth = 256

        mutating func skipWhitespace() {
            while index < bytes.endIndex {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Refused) -> JSONTree {
            guard depth < Self.maxDepth else { throw Refused() }
            skipWhitespace()
            guard index < bytes.endIndex else { throw Refused() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return .number(try number())
            }
        }

        private mutating func literal(_ text: StaticString, _ tree: JSONTree) throws(Refused) -> JSONTree {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.endIndex else { throw Refused() }
            let matches = text.withUTF8Buffer { bytes[index..<index + count].elementsEqual($0) }
            guard matches else { throw Refused() }
            index += count
            return tree
        }

        private mutating func object(depth: Int) throws(Refused) -> JSONTree {
            var members: [(key: String, value: JSONTree)] = []
            try sequence(closing: UInt8(ascii: "}")) { parser throws(Refused) in
                parser.skipWhitespace()
                guard parser.index < parser.bytes.endIndex, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                    throw Refused()
                }
                let key = try parser.string()
                parser.skipWhitespace()
                guard parser.index < parser.bytes.endIndex, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                    throw Refused()
                }
                parser.index += 1
                if members.isEmpty { members.reserveCapacity(4) }  // one allocation for most objects
                members.append((key, try parser.value(depth: depth + 1)))
            }
            guard Self.keysAreUnique(members) else { throw Refused() }
            return .object(members)
        }

        /// Whether no key appears twice: compared pairwise in small objects (no set to build), through a set in
        /// larger ones.
        private static func keysAreUnique(_ members: [(key: String, value: JSONTree)]) -> Bool {
            guard members.count > 1 else { return true }
            if members.count <= 16 {
                for later in 1..<members.count {
                    for earlier in 0..<later where members[earlier].key == members[later].key { return false }
                }
                return true
            }
            var seen = Set<String>(minimumCapacity: members.count)
            return members.allSatisfy { seen.insert($0.key).inserted }
        }

        private mutating func array(depth: Int) throws(Refused) -> JSONTree {
            var elements: [JSONTree] = []
            try sequence(closing: UInt8(ascii: "]")) { parser throws(Refused) in
                elements.append(try parser.value(depth: depth + 1))
            }
            return .array(elements)
        }

        /// Reads the comma-separated elements of an array or object, from its opening bracket to `close`.
        private mutating func sequence(
            closing close: UInt8, _ element: (inout Parser) throws(Refused) -> Void
        ) throws(Refused) {
            index += 1
            skipWhitespace()
            if index < bytes.endIndex, bytes[index] == close {
                index += 1
                return
            }
            while true {
                try element(&self)
                skipWhitespace()
                guard index < bytes.endIndex else { throw Refused() }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: ",") { continue }
                guard byte == close else { throw Refused() }
                return
            }
        }

        private mutating func string() throws(Refused) -> String {
            let start = index
            index += 1
            while index < bytes.endIndex {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    do {
                        return try JSONValueReader.string(bytes[start..<index])
                    } catch {
                        throw Refused()
                    }
                }
                guard byte >= 0x20 else { throw Refused() }
                index += byte == UInt8(ascii: "\\") ? 2 : 1
            }
            throw Refused()
        }

        private mutating func number() throws(Refused) -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.endIndex, Self.isNumberByte(bytes[index]) { index += 1 }
            let text = bytes[start..<index]
            guard let first = text.first, first == UInt8(ascii: "-") || Self.isDigit(first),
                JSONValueReader.isLiteralOrNumber(text)
            else { throw Refused() }
            return text
        }

        private static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
    }
}
