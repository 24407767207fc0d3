import DeferrableTestSupport
import Foundation
import Testing

@testable import Deferrable

/// User code that catches decoding errors (`try?`, `do/catch`) sees the same values and the same errors under
/// `ArgumentsDecoder` as under Foundation's `JSONDecoder`, for every scalar type and every way of asking for it.
@Suite struct ArgumentsDecoderDifferentialTests {
    /// JSON values every scalar type is tried against: number forms (integral fractions and exponents, overflow,
    /// underflow, -0, beyond 2^53 and 2^64), strings (base64 or not, URLs or not, escaped), and the other kinds.
    static let values: [String] = [
        "0", "-0", "1", "-1", "1.5", "-1.5", "0.1", "2.0", "3e2", "3E+2", "1e2", "1.0e1", "25e-1", "2.5e1", "1e-1", "0e10",
        "0.0e-999", "-0.0", "12.3400", "255", "256", "-128", "-129", "65535", "2147483648", "16777217", "1e39", "-1e39",
        "3.4028235e38", "3.4028236e38", "3.5e38", "1e-46", "1e-50", "1.4e-45", "7e-46", "1e-400", "2.5e-324", "4.9e-324",
        "1e308", "1.7976931348623157e308", "1.8e308", "1e400", "9007199254740992", "9007199254740993",
        "9.007199254740993e15", "9007199254740993.0", "1e18", "1e19", "1.0e19", "9223372036854775807",
        "9223372036854775807.0", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "-9.223372036854775808e18", "18446744073709551615", "18446744073709551615.0", "18446744073709551616",
        "1.8446744073709552e19", "170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
        "340282366920938463463374607431768211455", "340282366920938463463374607431768211456",
        "100000000000000000000000000000000000000000000", "1e38", "1e127", "1e128", "1e200", "-1e200", "0.5e1",
        "123456789012345678901234567890", "1.23456789012345678901234567890", "3.14159265358979323846264338327950288",
        #""AAEC+g==""#, #""AAEC+g""#, #""aGVsbG8=""#, #""aGVsbG8""#, #""""#, #""not base64!""#, #""\u0041AEC+g==""#,
        #""AA EC""#, #""https://example.com/a?q=1""#, #""a b""#, #""""#, #""relative/path""#, #""http://[::1""#,
        #""\u00e9""#, #""1.5""#, #""NaN""#, #""Infinity""#, #""true""#,
        "true", "false", "null", "[]", "[1]", "{}", #"{"v":1}"#,
    ]

    private static func document(_ value: String) -> String {
        #"{"v":\#(value),"a":[\#(value),\#(value),\#(value),\#(value),\#(value),\#(value),\#(value),\#(value)],"e":[]}"#
    }

    private static func lines<T: Probed>(_ type: T.Type, _ value: String, ours: Bool) -> [String] {
        let text = document(value)
        let probe =
            ours
            ? Result { try ArgumentsDecoder.decode(DecodingProbe<T>.self, from: Array(text.utf8)) }
            : Result { try JSONDecoder().decode(DecodingProbe<T>.self, from: Data(text.utf8)) }
        let whole =
            ours
            ? DecodingProbe<T>.outcome { try ArgumentsDecoder.decode(T.self, from: Array(value.utf8)) }
            : DecodingProbe<T>.outcome { try JSONDecoder().decode(T.self, from: Data(value.utf8)) }
        switch probe {
        case .success(let probe): return probe.lines + ["whole text: " + whole]
        case .failure(let error): return ["probe failed: \(error)", "whole text: " + whole]
        }
    }

    private static func expectSame<T: Probed>(_ type: T.Type, _ value: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = lines(type, value, ours: true)
        let theirs = lines(type, value, ours: false)
        for (index, (a, b)) in zip(ours, theirs).enumerated() where a != b {
            Issue.record("\(T.self) from \(value), line \(index): ours «\(a)», JSONDecoder «\(b)»", sourceLocation: sourceLocation)
        }
        #expect(ours.count == theirs.count, sourceLocation: sourceLocation)
    }

    @Test("every scalar type, asked for in every way under try?, gives JSONDecoder's value or error", arguments: values)
    func scalars(value: String) {
        Self.expectSame(Bool.self, value)
        Self.expectSame(String.self, value)
        Self.expectSame(Double.self, value)
        Self.expectSame(Float.self, value)
        Self.expectSame(Int.self, value)
        Self.expectSame(Int8.self, value)
        Self.expectSame(Int16.self, value)
        Self.expectSame(Int32.self, value)
        Self.expectSame(Int64.self, value)
        Self.expectSame(Int128.self, value)
        Self.expectSame(UInt.self, value)
        Self.expectSame(UInt8.self, value)
        Self.expectSame(UInt16.self, value)
        Self.expectSame(UInt32.self, value)
        Self.expectSame(UInt64.self, value)
        Self.expectSame(UInt128.self, value)
        Self.expectSame(Decimal.self, value)
        Self.expectSame(Data.self, value)
        Self.expectSame(URL.self, value)
        Self.expectSame(Date.self, value)
    }

    /// Number texts around the edges of every numeric type: significands near the limits of `Float`, `Double`
    /// (subnormals included), 2^24, 2^53 and 2^63, under exponents from -330 to 330, in every exponent form.
    static let numberTexts: [String] = {
        let significands = [
            "1", "-1", "2.5", "9.999999", "3.4028235", "3.40282357", "1.17549435", "1.4012984", "7.00649232",
            "2.2250738585072014", "4.9406564584124654", "1.7976931348623157", "16777217", "9007199254740993",
            "9.223372036854775807", "1.8446744073709551615", "123456789.123456789", "0.000", "-0.0",
        ]
        let exponents = [
            -330, -325, -324, -320, -310, -308, -307, -300, -46, -45, -44, -38, -37, -20, -1, 0, 1, 2, 15, 16, 18, 19, 20, 37, 38, 39, 300,
            308, 309, 330,
        ]
        return significands.flatMap { significand in
            [significand] + exponents.flatMap { ["\(significand)e\($0)", "\(significand)E+\($0)"] }
        }
    }()

    @Test("numbers around every numeric type's limits decode under try? as JSONDecoder decodes them")
    func numberEdges() {
        struct Numbers: Decodable {
            var lines: [String] = []
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                while !container.isAtEnd {
                    let element = try container.superDecoder().singleValueContainer()
                    lines.append(DecodingProbe<Float>.outcome { try element.decode(Float.self) })
                    lines.append(DecodingProbe<Double>.outcome { try element.decode(Double.self) })
                    lines.append(DecodingProbe<Int>.outcome { try element.decode(Int.self) })
                    lines.append(DecodingProbe<Int32>.outcome { try element.decode(Int32.self) })
                    lines.append(DecodingProbe<UInt8>.outcome { try element.decode(UInt8.self) })
                    lines.append(DecodingProbe<UInt64>.outcome { try element.decode(UInt64.self) })
                    lines.append(DecodingProbe<Int128>.outcome { try element.decode(Int128.self) })
                    lines.append(DecodingProbe<Decimal>.outcome { try element.decode(Decimal.self) })
                }
            }
        }
        let text = "[" + Self.numberTexts.joined(separator: ",") + "]"
        let ours = Result { try ArgumentsDecoder.decode(Numbers.self, from: Array(text.utf8)).lines }
        let theirs = Result { try JSONDecoder().decode(Numbers.self, from: Data(text.utf8)).lines }
        guard case .success(let a) = ours, case .success(let b) = theirs else {
            Issue.record("ours \(ours), JSONDecoder \(theirs)")
            return
        }
        #expect(a.count == b.count)
        for (index, (x, y)) in zip(a, b).enumerated() where x != y {
            Issue.record("\(Self.numberTexts[index / 8]) case \(index % 8): ours «\(x)», JSONDecoder «\(y)»")
        }
    }

    // MARK: The shapes of user code that hid a value before

    struct OptionalFloat: Decodable, Equatable {
        let f: Float?
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            f = try? container.decode(Float.self, forKey: .f)
        }
        private enum CodingKeys: CodingKey { case f }
    }

    enum Link: Decodable, Equatable {
        case url(URL)
        case text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let url = try? container.decode(URL.self) {
                self = .url(url)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    /// Keeps the elements that decode as `Int` and skips the others.
    struct LossyInts: Decodable, Equatable {
        var values: [Int] = []
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            while !container.isAtEnd {
                if let value = try? container.decode(Int.self) {
                    values.append(value)
                } else {
                    _ = try container.decode(Skipped.self)
                }
            }
        }
        private struct Skipped: Decodable {}
    }

    @Test("try? Float on 1.5 gives 1.5, a URL-or-string enum gives the URL case, a lossy [Int] keeps 2.0 and 3e2")
    func reportedShapes() throws {
        #expect(try ArgumentsDecoder.decode(OptionalFloat.self, from: Array(#"{"f":1.5}"#.utf8)).f == 1.5)
        #expect(
            try ArgumentsDecoder.decode(Link.self, from: Array(#""https://example.com""#.utf8))
                == .url(URL(string: "https://example.com")!))
        #expect(try ArgumentsDecoder.decode(LossyInts.self, from: Array("[1, 2.0, 3e2]".utf8)).values == [1, 2, 300])
    }

    // MARK: Special types in containers, and superDecoder of a class hierarchy

    struct Specials: Decodable {
        var lines: [String] = []
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            lines.append(DecodingProbe<Data>.outcome { try container.decode([Data].self, forKey: .data).map(Array.init) })
            lines.append(
                DecodingProbe<URL>.outcome {
                    try container.decode([String: URL].self, forKey: .urls).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                })
            lines.append(DecodingProbe<Decimal>.outcome { try container.decode([Decimal?].self, forKey: .decimals) })
            lines.append(DecodingProbe<Float>.outcome { try container.decode([Float].self, forKey: .floats) })
            lines.append(DecodingProbe<Date>.outcome { try container.decode(Date?.self, forKey: .date) })
            lines.append(DecodingProbe<Int>.outcome { try container.decode([Int].self, forKey: .floats) })
        }
        private enum CodingKeys: CodingKey { case data, urls, decimals, floats, date }
    }

    @Test(
        "collections of Data, URL, Decimal, Float and Date decode as JSONDecoder decodes them",
        arguments: [
            #"{"data":["AAEC+g==",""],"urls":{"a":"https://example.com","b":"b c"},"decimals":[1.25,null,1e-3],"floats":[1,2.0,3e2],"date":12.5}"#,
            #"{"data":["AAEC+g=","x"],"urls":{"a":1},"decimals":["1"],"floats":[1e39,1],"date":null}"#,
            #"{"data":[null],"urls":[],"decimals":[12345678901234567890123456789012345678901234567890],"floats":[1.5],"date":"x"}"#,
        ])
    func specialsInContainers(text: String) {
        let ours = Result { try ArgumentsDecoder.decode(Specials.self, from: Array(text.utf8)).lines }
        let theirs = Result { try JSONDecoder().decode(Specials.self, from: Data(text.utf8)).lines }
        #expect(String(describing: ours) == String(describing: theirs))
    }

    class Base: Decodable {
        let base: String
        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            base = (try? container.decode(String.self, forKey: .base)) ?? "default"
        }
        private enum CodingKeys: CodingKey { case base }
    }

    final class Derived: Base {
        let derived: Int
        /// What `try? Base(from: superDecoder())` gave, and the coding path of that decoder.
        let superBase: String?
        let superPath: String
        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            derived = try container.decode(Int.self, forKey: .derived)
            superBase = (try? Base(from: container.superDecoder()))?.base
            superPath = DecodingProbe<Int>.outcome { try container.superDecoder().codingPath.map(\.stringValue) }
            try super.init(from: decoder)
        }
        private enum CodingKeys: CodingKey { case derived }
        var lines: [String] { [base, "\(derived)", superBase ?? "nil", superPath] }
    }

    @Test(
        "try? over superDecoder reads the super key, or null when it is missing, as JSONDecoder does",
        arguments: [
            #"{"derived":2,"super":{"base":"b"}}"#, #"{"derived":2}"#, #"{"derived":2,"super":{"base":1}}"#, #"{"derived":2,"super":3}"#,
        ])
    func superDecoder(text: String) {
        let ours = Result { try ArgumentsDecoder.decode(Derived.self, from: Array(text.utf8)).lines }
        let theirs = Result { try JSONDecoder().decode(Derived.self, from: Data(text.utf8)).lines }
        #expect(String(describing: ours) == String(describing: theirs))
    }

    /// Counts how many times its `init(from:)` runs.
    struct Counted: Decodable {
        static let runs = Locked(0)
        init(from decoder: any Decoder) throws {
            Self.runs.withLock { $0 += 1 }
            let container = try decoder.singleValueContainer()
            _ = try? container.decode(Float.self)
            _ = try? container.decode(Decimal.self)
            _ = try? container.decode(URL.self)
            _ = try? container.decode(Data.self)
            _ = try? container.decode(Int.self)
        }
    }

    @Test("a text the fast path reads runs init(from:) once, whatever types it asks for")
    func decodedOnce() throws {
        _ = try ArgumentsDecoder.decode(Counted.self, from: Array("2.0".utf8))
        _ = try ArgumentsDecoder.decode(Counted.self, from: Array(#""AAEC""#.utf8))
        #expect(Counted.runs.withLock { $0 } == 2)
    }
}
