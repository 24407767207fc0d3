import Foundation

/// Encodes job arguments as canonical JSON: the same bytes as Foundation's `JSONEncoder` with `.sortedKeys` and its
/// default strategies (dates as `deferredToDate`, `Data` as Base64, `URL` as its absolute string, `Decimal` as a
/// number, non-finite floats refused), written straight into a byte array.
///
/// Equal arguments give equal bytes, so debounce keys stay stable, and bytes match what earlier versions (which used
/// `JSONEncoder`) wrote. `JSONEncoder` cost more than the rest of `later()` together (see `docs/performance.md`).
enum CanonicalJSONEncoder {
    /// Encodes `value`.
    /// - Throws: `EncodingError` as `JSONEncoder` would: a non-finite float, or a top-level value that encodes nothing.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        guard let node = try Impl.box(value, at: []) else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        // Small arguments fit in 32 bytes; a larger first reservation leaves a hole per queued job in the heap.
        var writer = JSONWriter(capacity: 32, escaping: .foundation)
        node.write(into: &writer)
        return writer.bytes
    }

    /// The `Encoder` handed to `Encodable` values; holds the value encoded through it.
    final class Impl: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        /// What was encoded through this encoder, if anything.
        var node: CanonicalJSONNode?

        init(codingPath: [any CodingKey]) {
            self.codingPath = codingPath
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let object: CanonicalJSONNode.Object
            if case .object(let existing) = node {
                object = existing
            } else {
                object = CanonicalJSONNode.Object()
                node = .object(object)
            }
            return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let array: CanonicalJSONNode.Array
            if case .array(let existing) = node {
                array = existing
            } else {
                array = CanonicalJSONNode.Array()
                node = .array(array)
            }
            return UnkeyedContainer(array: array, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(encoder: self)
        }

        /// The node of `value`, with `JSONEncoder`'s special cases; `nil` when it encodes nothing.
        static func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> CanonicalJSONNode? {
            // Type comparisons, not dynamic casts: this runs for every nested value. (A value passed as an
            // existential arrives here opened, with `T` its concrete type.)
            if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
            if T.self == URL.self { return .string((value as! URL).absoluteString) }
            if T.self == Decimal.self { return .number((value as! Decimal).description) }
            if T.self == Double.self { return try Self.number(value as! Double, path: path) }
            if T.self == Float.self { return try Self.number(value as! Float, path: path) }
            let child = Impl(codingPath: path)
            try value.encode(to: child)
            return child.node
        }

        /// A nested value's node: one that encodes nothing becomes `{}`, as with `JSONEncoder`.
        static func boxNested<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> CanonicalJSONNode {
            try box(value, at: path) ?? .object(CanonicalJSONNode.Object())
        }

        /// A finite float as `JSONEncoder` writes it: its shortest representation, without a trailing `.0`.
        static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(
            _ value: F, path: [any CodingKey]
        ) throws -> CanonicalJSONNode {
            guard value.isFinite else {
                throw EncodingError.invalidValue(
                    value,
                    EncodingError.Context(
                        codingPath: path, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
            }
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            return .number(text)
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: CanonicalJSONNode.Object
        let codingPath: [any CodingKey]

        private func set(_ node: CanonicalJSONNode, _ key: Key) {
            object.set(key.stringValue, node)
        }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            set(try Impl.number(value, path: codingPath + [key]), key)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            set(try Impl.number(value, path: codingPath + [key]), key)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.signed(Int64(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(.signed(Int64(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(.signed(Int64(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(.signed(Int64(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.signed(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.unsigned(value), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(try Impl.boxNested(value, at: codingPath + [key]), key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let nested = CanonicalJSONNode.Object()
            set(.object(nested), key)
            return KeyedEncodingContainer(
                KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = CanonicalJSONNode.Array()
            set(.array(nested), key)
            return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            superEncoder(named: CanonicalCodingKey("super"))
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            superEncoder(named: key)
        }

        private func superEncoder(named key: some CodingKey) -> any Encoder {
            let child = Impl(codingPath: codingPath + [key])
            object.set(key.stringValue, .deferred(child))
            return child
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer, ScalarEncoding {
        let array: CanonicalJSONNode.Array
        let codingPath: [any CodingKey]
        var count: Int { array.elements.count }

        private var nextPath: [any CodingKey] { codingPath + [CanonicalCodingKey(index: count)] }
        var valuePath: [any CodingKey] { nextPath }
        private func append(_ node: CanonicalJSONNode) { array.elements.append(node) }

        mutating func put(_ node: CanonicalJSONNode) { append(node) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try Impl.boxNested(value, at: nextPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = CanonicalJSONNode.Object()
            let path = nextPath
            append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = CanonicalJSONNode.Array()
            let path = nextPath
            append(.array(nested))
            return UnkeyedContainer(array: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Encoder {
            let child = Impl(codingPath: nextPath)
            append(.deferred(child))
            return child
        }
    }

    private struct SingleValueContainer: SingleValueEncodingContainer, ScalarEncoding {
        let encoder: Impl
        var codingPath: [any CodingKey] { encoder.codingPath }

        var valuePath: [any CodingKey] { codingPath }
        mutating func put(_ node: CanonicalJSONNode) { encoder.node = node }
        mutating func encode<T: Encodable>(_ value: T) throws {
            put(try Impl.boxNested(value, at: codingPath))
        }
    }
}

/// The scalar `encode` methods shared by the unkeyed and the single-value container: each puts one node.
private protocol ScalarEncoding {
    /// The coding path of the value being encoded (for errors).
    var valuePath: [any CodingKey] { get }
    /// Stores the next value.
    mutating func put(_ node: CanonicalJSONNode)
}

extension ScalarEncoding {
    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(try CanonicalJSONEncoder.Impl.number(value, path: valuePath)) }
    mutating func encode(_ value: Float) throws { put(try CanonicalJSONEncoder.Impl.number(value, path: valuePath)) }
    mutating func encode(_ value: Int) throws { put(.signed(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.signed(Int64(value))) }
    mutating func encode(_ value: Int16) throws { put(.signed(Int64(value))) }
    mutating func encode(_ value: Int32) throws { put(.signed(Int64(value))) }
    mutating func encode(_ value: Int64) throws { put(.signed(value)) }
    mutating func encode(_ value: UInt) throws { put(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { put(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { put(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { put(.unsigned(value)) }
}

/// A coding key made from a string or an index (`super`, array positions in error paths).
struct CanonicalCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}
