import Foundation

/// A `Decoder` over one node of a ``JSONTree`` that behaves as Foundation's `JSONDecoder` (default strategies) does
/// over the same node: the same values, the same errors, and `Data`, `Date`, `URL` and `Decimal` read as that
/// decoder reads them.
struct TreeDecoder: Decoder {
    let tree: JSONTree
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch tree {
        case .object(let members):
            return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, codingPath: codingPath))
        case .null:
            throw DecodingError.valueNotFound(
                [String: Any].self,
                .init(codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        default:
            throw tree.typeMismatch([String: Any].self, at: codingPath)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch tree {
        case .array(let elements):
            return TreeUnkeyedContainer(elements: elements, codingPath: codingPath)
        case .null:
            throw DecodingError.valueNotFound(
                [Any].self,
                .init(codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default:
            throw tree.typeMismatch([Any].self, at: codingPath)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeSingleValueContainer(decoder: self)
    }

    /// Decodes `type` from this node: the types `JSONDecoder` reads itself as it does, any other through its
    /// `init(from:)`.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = try foundationValue(type) { return value }
        return try T(from: self)
    }

    /// The value of a type `JSONDecoder` reads itself instead of calling its `init(from:)`, nil for other types.
    private func foundationValue<T>(_ type: T.Type) throws -> T? {
        if type == Data.self { return try tree.decodedData(at: codingPath) as? T }
        if type == URL.self { return try tree.decodedURL(at: codingPath) as? T }
        if type == Decimal.self { return try tree.decodedDecimal(at: codingPath) as? T }
        if type == Date.self {
            try tree.requireValue(Date.self, at: codingPath)
            return try Date(from: self) as? T
        }
        return nil
    }
}
