/// The decoding containers of ``TreeDecoder``. Each behaves as the matching container of Foundation's
/// `JSONDecoder`: the same values, the same errors (case, type, coding path, description), the same index moves.

struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(key: String, value: JSONTree)]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    private func member(_ key: some CodingKey) -> JSONTree? {
        let name = key.stringValue
        return members.first(where: { $0.key == name })?.value
    }

    private func value(for key: Key) throws -> JSONTree {
        guard let value = member(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    private func path(_ key: some CodingKey) -> [any CodingKey] { codingPath + [key] }

    private func decoder(for key: Key) throws -> TreeDecoder {
        TreeDecoder(tree: try value(for: key), codingPath: path(key))
    }

    private func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type, _ key: Key) throws -> T {
        try value(for: key).decodedFloatingPoint(type, at: path(key))
    }

    private func integer<T: FixedWidthInteger & Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try value(for: key).decodedInteger(type, at: path(key))
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNull }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(for: key).decodedBool(at: path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(for: key).decodedString(at: path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try float(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try float(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try integer(type, key) }

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

    /// A decoder over the member `"super"`, or over `null` when there is none.
    func superDecoder() throws -> any Decoder { superDecoder(TreeCodingKey.super) }

    /// A decoder over the member `key`, or over `null` when there is none.
    func superDecoder(forKey key: Key) throws -> any Decoder { superDecoder(key) }

    private func superDecoder(_ key: some CodingKey) -> TreeDecoder {
        TreeDecoder(tree: member(key) ?? .null, codingPath: path(key))
    }
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

    /// The coding path of the element at `index`, built only when asked for.
    struct ElementPath {
        let base: [any CodingKey]
        let index: Int
        var keys: [any CodingKey] { base + [TreeCodingKey(index: index)] }
    }

    private var currentPath: ElementPath { ElementPath(base: codingPath, index: currentIndex) }

    /// Reads the current element as `type`; the index moves on only when `read` succeeds. At the end: `valueNotFound`.
    private mutating func next<T>(
        _ type: Any.Type, atEnd message: String = "Unkeyed container is at end.", _ read: (JSONTree, ElementPath) throws -> T
    ) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: currentPath.keys, debugDescription: message))
        }
        let value = try read(elements[currentIndex], currentPath)
        currentIndex += 1
        return value
    }

    /// Reads the current element unless it is `null` or the container is at its end (nil); the index moves on in both
    /// of those cases too, as `JSONDecoder`'s does (for every type but `Int128` and `UInt128`, which `JSONDecoder`
    /// leaves to the protocol's default: at the end, nil without moving).
    private mutating func nextIfPresent<T>(_ read: (JSONTree, ElementPath) throws -> T) throws -> T? {
        guard !isAtEnd, !elements[currentIndex].isNull else {
            currentIndex += 1
            return nil
        }
        let value = try read(elements[currentIndex], currentPath)
        currentIndex += 1
        return value
    }

    private mutating func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        try next(type) { try $0.decodedFloatingPoint(type, at: $1.keys) }
    }

    private mutating func integer<T: FixedWidthInteger & Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try $0.decodedInteger(type, at: $1.keys) }
    }

    private mutating func floatIfPresent<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T? {
        try nextIfPresent { try $0.decodedFloatingPoint(type, at: $1.keys) }
    }

    private mutating func integerIfPresent<T: FixedWidthInteger & Decodable>(_ type: T.Type) throws -> T? {
        try nextIfPresent { try $0.decodedInteger(type, at: $1.keys) }
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Never.self, .init(codingPath: currentPath.keys, debugDescription: "Unkeyed container is at end."))
        }
        guard elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.decodedBool(at: $1.keys) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.decodedString(at: $1.keys) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try float(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try float(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try integer(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try TreeDecoder(tree: $0, codingPath: $1.keys).unbox(type) }
    }

    mutating func decodeIfPresent(_ type: Bool.Type) throws -> Bool? { try nextIfPresent { try $0.decodedBool(at: $1.keys) } }
    mutating func decodeIfPresent(_ type: String.Type) throws -> String? {
        try nextIfPresent { try $0.decodedString(at: $1.keys) }
    }
    mutating func decodeIfPresent(_ type: Double.Type) throws -> Double? { try floatIfPresent(type) }
    mutating func decodeIfPresent(_ type: Float.Type) throws -> Float? { try floatIfPresent(type) }
    mutating func decodeIfPresent(_ type: Int.Type) throws -> Int? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: Int8.Type) throws -> Int8? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: Int16.Type) throws -> Int16? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: Int32.Type) throws -> Int32? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: Int64.Type) throws -> Int64? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: UInt.Type) throws -> UInt? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: UInt8.Type) throws -> UInt8? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: UInt16.Type) throws -> UInt16? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: UInt32.Type) throws -> UInt32? { try integerIfPresent(type) }
    mutating func decodeIfPresent(_ type: UInt64.Type) throws -> UInt64? { try integerIfPresent(type) }

    mutating func decodeIfPresent<T: Decodable>(_ type: T.Type) throws -> T? {
        try nextIfPresent { try TreeDecoder(tree: $0, codingPath: $1.keys).unbox(type) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try TreeDecoder(tree: $0, codingPath: $1.keys).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try TreeDecoder(tree: $0, codingPath: $1.keys).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self, atEnd: "Cannot get superDecoder() -- unkeyed container is at end.") {
            TreeDecoder(tree: $0, codingPath: $1.keys)
        }
    }
}

struct TreeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var tree: JSONTree { decoder.tree }

    func decodeNil() -> Bool { tree.isNull }

    func decode(_ type: Bool.Type) throws -> Bool { try tree.decodedBool(at: codingPath) }
    func decode(_ type: String.Type) throws -> String { try tree.decodedString(at: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try tree.decodedFloatingPoint(type, at: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try tree.decodedFloatingPoint(type, at: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: Int128.Type) throws -> Int128 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try tree.decodedInteger(type, at: codingPath) }
    func decode(_ type: UInt128.Type) throws -> UInt128 { try tree.decodedInteger(type, at: codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(type)
    }
}
