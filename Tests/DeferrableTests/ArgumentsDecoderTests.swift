import Foundation
import Testing

@testable import Deferrable

/// `ArgumentsDecoder` must give what Foundation's `JSONDecoder` gives: the same values from its own parser and decoder,
/// and Foundation's own result (value or error) for the texts its strict parser refuses.
@Suite struct ArgumentsDecoderTests {
    /// An object of `keys` members `"k0":0, "k1":1, …`, with one more member named `repeating` if given.
    private static func object(keys: Int, repeating: String? = nil) -> String {
        let members = (0..<keys).map { "\"k\($0)\":\($0)" } + (repeating.map { ["\"\($0)\":0"] } ?? [])
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func foundation<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The fast path decides `text` and agrees with Foundation.
    private func expectFast<T: Decodable & Equatable>(
        _ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let fast = try ArgumentsDecoder.decodeFast(type, from: Array(text.utf8))
        #expect(fast == (try Self.foundation(type, text)), sourceLocation: sourceLocation)
    }

    /// Whatever path decides, the result is Foundation's: equal values, or errors with the same description.
    private func expectFoundations<T: Decodable & Equatable>(
        _ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ours = Result { try ArgumentsDecoder.decode(type, from: Array(text.utf8)) }
        let theirs = Result { try Self.foundation(type, text) }
        switch (ours, theirs) {
        case (.success(let a), .success(let b)):
            #expect(a == b, sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)):
            #expect(String(describing: a) == String(describing: b), sourceLocation: sourceLocation)
        default:
            Issue.record("\(text): ours \(ours), Foundation \(theirs)", sourceLocation: sourceLocation)
        }
    }

    struct Flat: Codable, Equatable {
        var zeta = 1
        var alpha = "a"
        var middle = true
        var missing: Int? = nil
        var present: Int? = 7
        var bytes: UInt8 = 255
        var big: UInt64 = .max
        var small: Int64 = .min
        var ratio = 0.1
        var tiny = Double.leastNonzeroMagnitude
        var negativeZero = -0.0
    }

    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case square(Int)
        case none
    }

    struct Nested: Codable, Equatable {
        var list: [Flat] = [Flat(), Flat(zeta: 2)]
        var map: [String: [Int]] = ["b": [1, 2], "a": []]
        var intKeys: [Int: String] = [10: "ten", -1: "minus one"]
        var optionals: [Int?] = [1, nil, 3]
        var deep: [[[String]]] = [[["x"]], [], [[]]]
        var shapes: [Shape] = [.circle(radius: 1.5), .square(2), .none]
        var date = Date(timeIntervalSinceReferenceDate: 12.5)
        var uuid = UUID(uuidString: "7D1F6C3E-5B1A-4C2E-9F00-000000000007")!
        var text = "é \"quoted\" / back\\slash \u{1F600} \n\t"
    }

    @Test("values written by the canonical encoder decode on the fast path to Foundation's values")
    func roundTrips() throws {
        for value in [Nested(), Nested(list: [], map: [:], intKeys: [:], optionals: [], deep: [], shapes: [])] {
            let text = String(decoding: try CanonicalJSONEncoder.encode(value), as: UTF8.self)
            try expectFast(Nested.self, text)
            #expect(try ArgumentsDecoder.decodeFast(Nested.self, from: Array(text.utf8)) == value)
        }
        try expectFast(Int.self, "42")
        try expectFast(String.self, #""plain""#)
        try expectFast([Bool].self, "[true,false]")
        try expectFast(Int?.self, "null")
    }

    @Test("hand-written texts: whitespace, escapes, number forms, absent and null optionals")
    func handWritten() throws {
        try expectFast(
            Flat.self,
            " {\n\t\"zeta\" : 3, \"alpha\":\"\\u00e9\\ud83d\\ude00\\/\", \"middle\":false, \"present\":null,"
                + "\"bytes\":0, \"big\":18446744073709551615, \"small\":-9223372036854775808, \"ratio\":1E-2, \"tiny\":1.5e+2,"
                + " \"negativeZero\": -0 } ")
        try expectFast([Double].self, "[1, 1.0, -2.5e3, 0.30000000000000004, 1e308, 123456789012345678901234567890]")
        try expectFast([String: Int].self, #"{"a":1,"b":-2,"":0}"#)
    }

    @Test(
        "the fast path refuses every text outside strict JSON, and Foundation decides it (it accepts trailing commas)",
        arguments: [
            "[1,]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[-]", "{\"a\":1,}", "[\"\u{01}\"]", "[\"\\ud800\"]", "[\"\\udc00\"]",
            "[\"\\x\"]", "[1] x", "[NaN]", "[Infinity]", "// c\n[1]", "[1 2]", "{\"a\" 1}", "{a:1}", "[tru]", "", " ", "[",
            "[\"unterminated]", #"{"a":1,"b":2,"a":3}"#, Self.object(keys: 20, repeating: "k7"),
        ])
    func strictness(text: String) {
        #expect(throws: (any Error).self) { try ArgumentsDecoder.decodeFast(AnyJSON.self, from: Array(text.utf8)) }
        expectFoundations(AnyJSON.self, text)
    }

    @Test(
        "any valid text decodes on the fast path as Foundation reads it",
        arguments: [
            "null", "true", " [ ] ", "{}", "-0", "0.5e-3", #""\u0041\n""#, #"[1,"a",null,{"b":[false]}]"#,
            #"{"a":{"b":{"c":[[[]]]}}}"#, Self.object(keys: 16), Self.object(keys: 40),
        ])
    func validTexts(text: String) throws {
        try expectFast(AnyJSON.self, text)
    }

    /// Any JSON value: what a lenient argument type would accept.
    indirect enum AnyJSON: Decodable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([AnyJSON])
        case object([String: AnyJSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([AnyJSON].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: AnyJSON].self))
            }
        }
    }

    @Test("invalid UTF-8 is refused by the fast path, and Foundation decides")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("[\"".utf8) + [0xC3, 0x28] + Array("\"]".utf8)
        #expect(throws: (any Error).self) { try ArgumentsDecoder.decodeFast(AnyJSON.self, from: bytes) }
        #expect(throws: (any Error).self) { try ArgumentsDecoder.decode(AnyJSON.self, from: bytes) }
    }

    struct Specials: Codable, Equatable {
        var data = Data([0, 1, 2, 250])
        var url = URL(string: "https://example.com/a?q=1")!
        var decimal = Decimal(string: "12.3400")!
        var float: Float = 0.1
    }

    class Base: Codable {
        var base = "b"
    }

    final class Derived: Base, Equatable {
        var derived = 2
        override init() { super.init() }
        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            derived = try container.decode(Int.self, forKey: .derived)
            try super.init(from: container.superDecoder())
        }
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(derived, forKey: .derived)
            try super.encode(to: container.superEncoder())
        }
        private enum CodingKeys: String, CodingKey { case derived }
        static func == (lhs: Derived, rhs: Derived) -> Bool { lhs.base == rhs.base && lhs.derived == rhs.derived }
    }

    @Test("types Foundation treats specially, superDecoder and other number forms decode on the fast path as Foundation decodes them")
    func specialTypes() throws {
        let specials = String(decoding: try CanonicalJSONEncoder.encode(Specials()), as: UTF8.self)
        try expectFast(Specials.self, specials)
        expectFoundations(Specials.self, specials)
        let derived = String(decoding: try CanonicalJSONEncoder.encode(Derived()), as: UTF8.self)
        try expectFast(Derived.self, derived)
        expectFoundations(Derived.self, derived)
        for text in ["[1.0]", "[1e2]", "[-0]", "[300]", "[-1]", "[1.5]", "[18446744073709551616]"] {
            expectFoundations([UInt8].self, text)
            expectFoundations([Int].self, text)
        }
        expectFoundations([String: Int].self, #"{"a":1,"a":2}"#)
        expectFoundations([Double].self, "[1e400]")
    }

    @Test("mismatches fail with Foundation's error, word for word")
    func errors() {
        expectFoundations(Flat.self, #"{"zeta":"one"}"#)
        expectFoundations(Flat.self, "{}")
        expectFoundations([Int].self, #"{"a":1}"#)
        expectFoundations(Shape.self, #"{"triangle":{}}"#)
        expectFoundations(Int.self, "null")
    }
}
