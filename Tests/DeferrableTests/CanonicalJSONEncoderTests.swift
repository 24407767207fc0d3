import Foundation
import Testing

@testable import Deferrable

/// `CanonicalJSONEncoder` must write exactly the bytes of Foundation's `JSONEncoder` with `.sortedKeys`: debounce keys
/// are derived from these bytes, and earlier versions wrote arguments with `JSONEncoder`.
@Suite struct CanonicalJSONEncoderTests {
    private static func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func canonical<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try CanonicalJSONEncoder.encode(value), as: UTF8.self)
    }

    private func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try Self.canonical(value) == Self.foundation(value), sourceLocation: sourceLocation)
    }

    struct Flat: Codable {
        var zeta = 1
        var alpha = "a"
        var middle: Bool = true
        var missing: Int? = nil
        var present: Int? = 7
        var bytes: UInt8 = 255
        var big: UInt64 = .max
        var small: Int64 = .min
    }

    struct Nested: Codable {
        var list: [Flat] = [Flat(), Flat(zeta: 2)]
        var map: [String: [Int]] = ["b": [1, 2], "a": [], "B": [3], "a10": [4], "a9": [5], "_": [6]]
        var intKeys: [Int: String] = [10: "ten", 2: "two", 1: "one", -1: "minus one"]
        var empty: [String: Int] = [:]
        var optionals: [Int?] = [1, nil, 3]
        var deep: [[[String]]] = [[["x"]], [], [[]]]
    }

    enum Shape: Codable {
        case circle(radius: Double)
        case square(Int)
        case none
    }

    struct Specials: Codable {
        var data = Data([0, 1, 2, 250, 251, 252, 253])
        var url = URL(string: "https://example.com/a/b?q=1&r=2#frag")!
        var decimal = Decimal(string: "12.3400")!
        var negativeDecimal = Decimal(string: "-0.000123")!
        var date = Date(timeIntervalSinceReferenceDate: 12.5)
        var uuid = UUID(uuidString: "7D1F6C3E-5B1A-4C2E-9F00-000000000007")!
        var shapes: [Shape] = [.circle(radius: 1.5), .square(2), .none]
    }

    class Base: Encodable {
        var base = "b"
    }

    final class Derived: Base {
        var own = 1
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(own, forKey: .own)
            try super.encode(to: container.superEncoder())
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try super.encode(to: list.superEncoder())
            try super.encode(to: container.superEncoder(forKey: .parent))
        }
        private enum CodingKeys: String, CodingKey { case own, list, parent }
    }

    /// Writes a key twice and fills a container after asking for a sibling.
    struct Unusual: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CanonicalCodingKey.self)
            var later = container.nestedContainer(keyedBy: CanonicalCodingKey.self, forKey: CanonicalCodingKey("later"))
            try container.encode(1, forKey: CanonicalCodingKey("twice"))
            try container.encode(2, forKey: CanonicalCodingKey("twice"))
            try later.encode("filled after", forKey: CanonicalCodingKey("x"))
            var again = encoder.container(keyedBy: CanonicalCodingKey.self)
            try again.encode(true, forKey: CanonicalCodingKey("second request"))
        }
    }

    struct EncodesNothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct HoldsNothing: Encodable {
        var inner = EncodesNothing()
        var list = [EncodesNothing()]
    }

    @Test func structsEnumsCollectionsAndSpecialTypesMatchJSONEncoder() throws {
        try expectSameBytes(Flat())
        try expectSameBytes(Nested())
        try expectSameBytes(Specials())
        try expectSameBytes(Derived())
        try expectSameBytes(Unusual())
        try expectSameBytes(HoldsNothing())
        try expectSameBytes(EmptyArguments())
        try expectSameBytes([Shape.circle(radius: 0.25)])
    }

    @Test func topLevelScalarsMatchJSONEncoder() throws {
        try expectSameBytes("top")
        try expectSameBytes(42)
        try expectSameBytes(true)
        try expectSameBytes(Int?.none)
        try expectSameBytes(3.5)
    }

    @Test func floatingPointTextMatchesJSONEncoder() throws {
        let doubles: [Double] = [
            0, -0.0, 1, -1, 0.1, 100, 1e20, 1e21, 1e-7, 0.000001, 123_456_789_012_345_680, 3.141592653589793,
            1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 2.5e-5, 1_000_000, 1e16, 1e15 + 0.5,
        ]
        try expectSameBytes(doubles)
        let floats: [Float] = [0, 1, 0.1, 1e20, .greatestFiniteMagnitude, 1e-7, 16_777_216, 3.3]
        try expectSameBytes(floats)
        try expectSameBytes(["d": 2.0, "e": -3.75])
    }

    @Test func stringEscapesMatchJSONEncoder() throws {
        let strings = [
            "plain", "quote \" backslash \\ slash /", "\n\r\t\u{8}\u{C}", "\u{0}\u{1}\u{1F}\u{7F}", "é e\u{301} ü",
            "\u{2028}\u{2029}", "emoji 🎉", "", "</script>",
        ]
        try expectSameBytes(strings)
        try expectSameBytes(Dictionary(uniqueKeysWithValues: strings.map { ($0, $0.count) }))
    }

    @Test func keysSortByUTF8BytesAsJSONEncoderDoes() throws {
        let keys = [
            "b", "a", "B", "A", "_x", "a\u{0}", "a-b", "aa", "1", "10", "2", "é", "ä", "f", "e\u{301}z", "\u{FFFF}", "\u{10000}", "ﬁ",
        ]
        try expectSameBytes(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }))
    }

    @Test func nonFiniteNumbersAreRefusedWithTheirPath() {
        struct Holder: Encodable { var values: [Double] }
        #expect(throws: EncodingError.self) { try CanonicalJSONEncoder.encode(Holder(values: [1, .nan])) }
        #expect(throws: EncodingError.self) { try CanonicalJSONEncoder.encode(Float.infinity) }
        do {
            _ = try CanonicalJSONEncoder.encode(Holder(values: [1, .infinity]))
            Issue.record("expected an error")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["values", "Index 1"])
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aTopLevelValueThatEncodesNothingIsRefused() {
        #expect(throws: EncodingError.self) { try CanonicalJSONEncoder.encode(EncodesNothing()) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(EncodesNothing()) }
    }
}
