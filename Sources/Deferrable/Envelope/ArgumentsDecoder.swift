import Foundation

/// Decodes job arguments with the result Foundation's `JSONDecoder` (default strategies) gives, but faster.
///
/// The common shapes (objects, arrays, strings, booleans, integers, doubles, optionals, `Date` as seconds since 2001,
/// nested and enum-like types) are decoded from a strictly parsed ``JSONTree``. Anything else — a text the tree
/// refuses, a type Foundation treats specially (`Data`, `URL`, `Decimal`, `Float`), a number written in a form not
/// read here, `superDecoder`, or any error at all — is decoded again by `JSONDecoder`, so failures, their messages and
/// the special cases are Foundation's own. A type's `init(from:)` can therefore run twice when the first try fails.
enum ArgumentsDecoder {
    /// Decodes `type` from the JSON text `bytes`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if let value = try? decodeFast(type, from: bytes) { return value }
        return try JSONCoders.decoder.decode(type, from: Data(bytes))
    }

    /// The fast path alone (tests compare it with Foundation): throws whenever Foundation must decide.
    static func decodeFast<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try TreeDecoder(tree: JSONTree.parse(bytes), codingPath: []).unbox(type)
    }

    /// The fast path cannot decide: Foundation decodes instead.
    struct NotHandled: Error {}
}

/// A `Decoder` over one node of a ``JSONTree``.
struct TreeDecoder: Decoder {
    let tree: JSONTree
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = tree else { throw ArgumentsDecoder.NotHandled() }
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = tree else { throw ArgumentsDecoder.NotHandled() }
        return TreeUnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeSingleValueContainer(decoder: self)
    }

    /// Decodes `type` from this node, leaving the types Foundation treats specially to Foundation.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Data.self || type == URL.self || type == Decimal.self || type == Float.self {
            throw ArgumentsDecoder.NotHandled()
        }
        return try T(from: self)
    }
}

/// The scalar reads of the fast path: each one either gives exactly what `JSONDecoder` gives or throws
/// ``ArgumentsDecoder/NotHandled``.
extension JSONTree {
    func decodedBool() throws -> Bool {
        guard case .bool(let value) = self else { throw ArgumentsDecoder.NotHandled() }
        return value
    }

    func decodedString() throws -> String {
        guard case .string(let value) = self else { throw ArgumentsDecoder.NotHandled() }
        return value
    }

    func decodedDouble() throws -> Double {
        guard case .number(let text) = self, let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite
        else { throw ArgumentsDecoder.NotHandled() }
        return value
    }

    /// An integer written without fraction or exponent that fits `T`; other forms are left to Foundation.
    func decodedInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let text) = self else { throw ArgumentsDecoder.NotHandled() }
        if let value = try? JSONValueReader.int64(text), let exact = T(exactly: value) { return exact }
        guard text.first != UInt8(ascii: "-"), let value = UInt64(String(decoding: text, as: UTF8.self)),
            let exact = T(exactly: value)
        else { throw ArgumentsDecoder.NotHandled() }
        return exact
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
