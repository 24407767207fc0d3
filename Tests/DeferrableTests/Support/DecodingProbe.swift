import Foundation

@testable import Deferrable

/// A value type a ``DecodingProbe`` tries to decode, through the concrete container overloads where the
/// `Decoder` protocols have one and through the generic ones otherwise.
protocol Probed: Decodable {
    static func keyed<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Self
    static func keyedIfPresent<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Self?
    static func unkeyed(_ container: inout any UnkeyedDecodingContainer) throws -> Self
    static func unkeyedIfPresent(_ container: inout any UnkeyedDecodingContainer) throws -> Self?
    static func single(_ container: any SingleValueDecodingContainer) throws -> Self
    /// The value written so that equal texts mean equal values (`Data` and `Date` describe themselves vaguely).
    var probeText: String { get }
}

extension Probed {
    static func keyed<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Self {
        try container.decode(Self.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Self? {
        try container.decodeIfPresent(Self.self, forKey: key)
    }
    static func unkeyed(_ container: inout any UnkeyedDecodingContainer) throws -> Self { try container.decode(Self.self) }
    static func unkeyedIfPresent(_ container: inout any UnkeyedDecodingContainer) throws -> Self? {
        try container.decodeIfPresent(Self.self)
    }
    static func single(_ container: any SingleValueDecodingContainer) throws -> Self { try container.decode(Self.self) }
    var probeText: String { String(reflecting: self) }
}

extension Bool: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Bool { try c.decode(Bool.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Bool? {
        try c.decodeIfPresent(Bool.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Bool { try c.decode(Bool.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Bool? { try c.decodeIfPresent(Bool.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Bool { try c.decode(Bool.self) }
}

extension String: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> String {
        try c.decode(String.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        try c.decodeIfPresent(String.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> String { try c.decode(String.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> String? { try c.decodeIfPresent(String.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> String { try c.decode(String.self) }
}

extension Double: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        try c.decode(Double.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double? {
        try c.decodeIfPresent(Double.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Double { try c.decode(Double.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Double? { try c.decodeIfPresent(Double.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Double { try c.decode(Double.self) }
}

extension Float: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Float { try c.decode(Float.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Float? {
        try c.decodeIfPresent(Float.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Float { try c.decode(Float.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Float? { try c.decodeIfPresent(Float.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Float { try c.decode(Float.self) }
}

extension Int: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int { try c.decode(Int.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int? {
        try c.decodeIfPresent(Int.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int { try c.decode(Int.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int? { try c.decodeIfPresent(Int.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int { try c.decode(Int.self) }
}

extension Int8: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int8 { try c.decode(Int8.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int8? {
        try c.decodeIfPresent(Int8.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int8 { try c.decode(Int8.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int8? { try c.decodeIfPresent(Int8.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int8 { try c.decode(Int8.self) }
}

extension Int16: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int16 { try c.decode(Int16.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int16? {
        try c.decodeIfPresent(Int16.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int16 { try c.decode(Int16.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int16? { try c.decodeIfPresent(Int16.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int16 { try c.decode(Int16.self) }
}

extension Int32: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int32 { try c.decode(Int32.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int32? {
        try c.decodeIfPresent(Int32.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int32 { try c.decode(Int32.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int32? { try c.decodeIfPresent(Int32.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int32 { try c.decode(Int32.self) }
}

extension Int64: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int64 { try c.decode(Int64.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int64? {
        try c.decodeIfPresent(Int64.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int64 { try c.decode(Int64.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int64? { try c.decodeIfPresent(Int64.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int64 { try c.decode(Int64.self) }
}

extension Int128: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int128 {
        try c.decode(Int128.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int128? {
        try c.decodeIfPresent(Int128.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> Int128 { try c.decode(Int128.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> Int128? { try c.decodeIfPresent(Int128.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> Int128 { try c.decode(Int128.self) }
}

extension UInt: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt { try c.decode(UInt.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt? {
        try c.decodeIfPresent(UInt.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt { try c.decode(UInt.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt? { try c.decodeIfPresent(UInt.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt { try c.decode(UInt.self) }
}

extension UInt8: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt8 { try c.decode(UInt8.self, forKey: key) }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt8? {
        try c.decodeIfPresent(UInt8.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt8 { try c.decode(UInt8.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt8? { try c.decodeIfPresent(UInt8.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt8 { try c.decode(UInt8.self) }
}

extension UInt16: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt16 {
        try c.decode(UInt16.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt16? {
        try c.decodeIfPresent(UInt16.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt16 { try c.decode(UInt16.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt16? { try c.decodeIfPresent(UInt16.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt16 { try c.decode(UInt16.self) }
}

extension UInt32: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt32 {
        try c.decode(UInt32.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt32? {
        try c.decodeIfPresent(UInt32.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt32 { try c.decode(UInt32.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt32? { try c.decodeIfPresent(UInt32.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt32 { try c.decode(UInt32.self) }
}

extension UInt64: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt64 {
        try c.decode(UInt64.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt64? {
        try c.decodeIfPresent(UInt64.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt64 { try c.decode(UInt64.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt64? { try c.decodeIfPresent(UInt64.self) }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt64 { try c.decode(UInt64.self) }
}

extension UInt128: Probed {
    static func keyed<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt128 {
        try c.decode(UInt128.self, forKey: key)
    }
    static func keyedIfPresent<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UInt128? {
        try c.decodeIfPresent(UInt128.self, forKey: key)
    }
    static func unkeyed(_ c: inout any UnkeyedDecodingContainer) throws -> UInt128 { try c.decode(UInt128.self) }
    static func unkeyedIfPresent(_ c: inout any UnkeyedDecodingContainer) throws -> UInt128? {
        try c.decodeIfPresent(UInt128.self)
    }
    static func single(_ c: any SingleValueDecodingContainer) throws -> UInt128 { try c.decode(UInt128.self) }
}

extension Decimal: Probed {}
extension URL: Probed {}

extension Data: Probed {
    var probeText: String { "Data \(Array(self))" }
}

extension Date: Probed {
    var probeText: String { "Date \(timeIntervalSinceReferenceDate)" }
}

/// Decodes `T` from `{"v": X, "a": [X, X, X, X, X, X], "e": []}` in every way a type's `init(from:)` can ask for it, each
/// under `try?`-like capture, and writes down what each way gave: a value, a `DecodingError` (case, type, coding
/// path, description), or another error. Two decoders that give the same lines behave the same to user code.
struct DecodingProbe<T: Probed>: Decodable {
    var lines: [String] = []

    private enum Key: String, CodingKey { case v, a, e, missing }

    init(from decoder: any Decoder) throws {
        let keyed = try decoder.container(keyedBy: Key.self)
        note("keyed", { try T.keyed(keyed, .v) })
        note("keyed generic", { try keyed.decode(T.self, forKey: .v) })
        note("keyed single value", { try keyed.decode(Box<T>.self, forKey: .v).value })
        note("keyed if present", { try T.keyedIfPresent(keyed, .v) })
        note("keyed if present, missing", { try T.keyedIfPresent(keyed, .missing) })
        note("keyed missing", { try T.keyed(keyed, .missing) })
        note("keyed nil", { try keyed.decodeNil(forKey: .v) })
        note("super decoder for key", { try T(from: keyed.superDecoder(forKey: .v)) })
        note("super decoder for missing key", { try T(from: keyed.superDecoder(forKey: .missing)) })
        note("super decoder (key super)", { try T(from: keyed.superDecoder()) })
        note("nested keyed", { try keyed.nestedContainer(keyedBy: Key.self, forKey: .v).allKeys.map(\.stringValue) })
        note("nested unkeyed", { try keyed.nestedUnkeyedContainer(forKey: .v).count })
        guard var unkeyed = try? keyed.nestedUnkeyedContainer(forKey: .a) else {
            lines.append("no array")
            return
        }
        note("unkeyed", { try T.unkeyed(&unkeyed) })
        note("unkeyed generic", { try unkeyed.decode(T.self) })
        note("unkeyed single value", { try unkeyed.decode(Box<T>.self).value })
        note("unkeyed if present", { try T.unkeyedIfPresent(&unkeyed) })
        note("unkeyed super decoder", { try T(from: unkeyed.superDecoder()) })
        note("unkeyed nil", { try unkeyed.decodeNil() })
        note("unkeyed index", { unkeyed.currentIndex })
        guard var empty = try? keyed.nestedUnkeyedContainer(forKey: .e) else {
            lines.append("no empty array")
            return
        }
        note("unkeyed at end", { try T.unkeyed(&empty) })
        note("unkeyed generic at end", { try empty.decode(T.self) })
        note("unkeyed if present at end", { try T.unkeyedIfPresent(&empty) })
        note("unkeyed index after end", { empty.currentIndex })
        note("unkeyed nil at end", { try empty.decodeNil() })
        note("unkeyed super decoder at end", { try T(from: empty.superDecoder()) })
        note("unkeyed nested keyed at end", { try empty.nestedContainer(keyedBy: Key.self).allKeys.count })
        note("unkeyed nested unkeyed at end", { try empty.nestedUnkeyedContainer().count })
    }

    private mutating func note<V>(_ what: String, _ body: () throws -> V) {
        lines.append("\(what): " + Self.outcome(body))
    }

    static func outcome<V>(_ body: () throws -> V) -> String {
        do {
            let value = try body()
            if let value = value as? any Probed { return "value \(value.probeText)" }
            if let value = value as? (any Probed)? { return "value \(value.map(\.probeText) ?? "nil")" }
            return "value \(String(reflecting: value))"
        } catch let error as DecodingError {
            return describe(error)
        } catch {
            return "error (not a DecodingError)"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { "\($0.stringValue)/\($0.intValue.map(String.init) ?? "-")" }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "typeMismatch \(type) at [\(path(context))]: \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "valueNotFound \(type) at [\(path(context))]: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "keyNotFound \(key.stringValue) at [\(path(context))]: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "dataCorrupted at [\(path(context))]: \(context.debugDescription)"
        @unknown default:
            return "unknown DecodingError"
        }
    }

    /// Decodes `T` through its own single value container, as a type wrapping a `T` would.
    struct Box<Wrapped: Probed>: Decodable {
        let value: Wrapped
        init(from decoder: any Decoder) throws {
            value = try Wrapped.single(decoder.singleValueContainer())
        }
    }
}
