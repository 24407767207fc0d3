/// The decoding containers of ``TreeDecoder``. Every failure throws ``ArgumentsDecoder/NotHandled`` so that
/// Foundation's `JSONDecoder` decodes the text again and reports the error in its own words.

struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(key: String, value: JSONTree)]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool {
        members.contains { $0.key == key.stringValue }
    }

    private func value(for key: Key) throws -> JSONTree {
        let name = key.stringValue
        guard let member = members.first(where: { $0.key == name }) else { throw ArgumentsDecoder.NotHandled() }
        return member.value
    }

    private func decoder(for key: Key) throws -> TreeDecoder {
        TreeDecoder(tree: try value(for: key), codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNull }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(for: key).decodedBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(for: key).decodedString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(for: key).decodedDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw ArgumentsDecoder.NotHandled() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(for: key).decodedInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(for: key).decodedInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(for: key).decodedInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(for: key).decodedInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(for: key).decodedInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(for: key).decodedInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(for: key).decodedInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(for: key).decodedInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(for: key).decodedInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(for: key).decodedInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder(for: key).unbox(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw ArgumentsDecoder.NotHandled() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw ArgumentsDecoder.NotHandled() }
}

struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONTree]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONTree], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// Reads the current element; the index moves on only when `body` succeeds.
    private mutating func next<T>(_ body: (JSONTree) throws -> T) throws -> T {
        guard !isAtEnd else { throw ArgumentsDecoder.NotHandled() }
        let value = try body(elements[currentIndex])
        currentIndex += 1
        return value
    }

    /// Decodes the current element through a decoder of its own (for nested values and containers).
    private mutating func nextDecoded<T>(_ body: (TreeDecoder) throws -> T) throws -> T {
        let index = currentIndex
        let path = codingPath
        return try next { try body(TreeDecoder(tree: $0, codingPath: path + [IndexKey(index)])) }
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw ArgumentsDecoder.NotHandled() }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.decodedBool() } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.decodedString() } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.decodedDouble() } }
    mutating func decode(_ type: Float.Type) throws -> Float { throw ArgumentsDecoder.NotHandled() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.decodedInteger(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.decodedInteger(type) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try nextDecoded { try $0.unbox(type) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nextDecoded { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoded { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { throw ArgumentsDecoder.NotHandled() }

    /// The coding key of an array element.
    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }
}

struct TreeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.tree.isNull }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.tree.decodedBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.tree.decodedString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.tree.decodedDouble() }
    func decode(_ type: Float.Type) throws -> Float { throw ArgumentsDecoder.NotHandled() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.tree.decodedInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.tree.decodedInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.tree.decodedInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.tree.decodedInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(type)
    }
}
