import Foundation

/// The scalar reads of ``TreeDecoder``, each with the result Foundation's `JSONDecoder` (default strategies) gives for
/// the same node: the same value, or an error of the same kind — a `DecodingError` of the same case, type, coding path
/// and description, or, where `JSONDecoder` throws an error of its own that is not a `DecodingError` (a number it
/// cannot represent), ``NumberNotRepresentable``. `path` is the coding path of the node, built only for an error.
extension JSONTree {
    /// A number `JSONDecoder` reads but refuses for the type asked (out of range, not integral for an integer,
    /// overflowing or underflowing a float). Like Foundation's own error for this case it is not a `DecodingError`;
    /// at the top level ``ArgumentsDecoder`` reports Foundation's `DecodingError.dataCorrupted`.
    struct NumberNotRepresentable: Error {
        let text: String
        init(_ text: ArraySlice<UInt8>) { self.text = String(decoding: text, as: UTF8.self) }
    }

    /// How `JSONDecoder` names the kind of a value in its error messages.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    func typeMismatch(_ type: Any.Type, at path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(kindDescription) instead."))
    }

    /// Throws `valueNotFound` for `null`, as `JSONDecoder` does before reading every type but `Bool`.
    func requireValue(_ type: Any.Type, at path: @autoclosure () -> [any CodingKey]) throws {
        guard case .null = self else { return }
        throw DecodingError.valueNotFound(
            type, .init(codingPath: path(), debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }

    func decodedBool(at path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = self else { throw typeMismatch(Bool.self, at: path()) }
        return value
    }

    func decodedString(at path: @autoclosure () -> [any CodingKey]) throws -> String {
        if case .string(let value) = self { return value }
        try requireValue(String.self, at: path())
        throw typeMismatch(String.self, at: path())
    }

    /// A float parsed from the number's text (correctly rounded, as `strtod`/`strtof` do); a result that overflows to
    /// infinity, or rounds to zero from a text that is not zero, is refused. Strings are refused (the default
    /// non-conforming float strategy).
    func decodedFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: T.Type, at path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        guard case .number(let text) = self else {
            try requireValue(type, at: path())
            throw typeMismatch(type, at: path())
        }
        guard let value = T(String(decoding: text, as: UTF8.self)), value.isFinite, value != 0 || Self.isZero(text) else {
            throw NumberNotRepresentable(text)
        }
        return value
    }

    /// An integer written plainly that fits `T`; or a number of another form (`2.0`, `3e2`) or range whose `Double`
    /// value is integral and fits `T` — below 2^53 taken from the `Double`, above it read as `JSONDecoder` reads it
    /// (through `Decimal`, by `JSONDecoder` itself on the number's text).
    func decodedInteger<T: FixedWidthInteger & Decodable>(
        _ type: T.Type, at path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        guard case .number(let text) = self else {
            try requireValue(type, at: path())
            throw typeMismatch(type, at: path())
        }
        if let value = Self.plainInteger(T.self, text) { return value }
        guard let double = Double(String(decoding: text, as: UTF8.self)), let value = T(exactly: double) else {
            throw NumberNotRepresentable(text)
        }
        if double.magnitude < 0x1p53 { return value }
        return try Self.decodedByFoundation(type, text)
    }

    /// A `Decimal` as `JSONDecoder` reads it from the number's text (by `JSONDecoder` itself on that text).
    func decodedDecimal(at path: @autoclosure () -> [any CodingKey]) throws -> Decimal {
        guard case .number(let text) = self else {
            try requireValue(Decimal.self, at: path())
            throw DecodingError.typeMismatch(Decimal.self, .init(codingPath: path(), debugDescription: ""))
        }
        return try Self.decodedByFoundation(Decimal.self, text)
    }

    /// `Data` from a base64 string (the default `.base64` strategy).
    func decodedData(at path: @autoclosure () -> [any CodingKey]) throws -> Data {
        try requireValue(Data.self, at: path())
        let string = try decodedString(at: path())
        if string.isEmpty { return Data() }
        guard let data = Data(base64Encoded: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "Encountered Data is not valid Base64."))
        }
        return data
    }

    func decodedURL(at path: @autoclosure () -> [any CodingKey]) throws -> URL {
        try requireValue(URL.self, at: path())
        guard let url = URL(string: try decodedString(at: path())) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "Invalid URL string."))
        }
        return url
    }

    /// Digits with an optional minus sign, accumulated in `T` (nil on any other character or on overflow).
    private static func plainInteger<T: FixedWidthInteger>(_ type: T.Type, _ text: ArraySlice<UInt8>) -> T? {
        let negative = text.first == UInt8(ascii: "-")
        let digits = negative ? text.dropFirst() : text
        guard !digits.isEmpty else { return nil }
        var result: T = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflowed) = result.multipliedReportingOverflow(by: 10)
            let (next, overflowedAgain) =
                negative
                ? shifted.subtractingReportingOverflow(T(truncatingIfNeeded: digit))
                : shifted.addingReportingOverflow(T(truncatingIfNeeded: digit))
            guard !overflowed, !overflowedAgain else { return nil }
            result = next
        }
        return result
    }

    /// Whether every digit of the number before its exponent is zero.
    private static func isZero(_ text: ArraySlice<UInt8>) -> Bool {
        for byte in text {
            switch byte {
            case UInt8(ascii: "1")...UInt8(ascii: "9"): return false
            case UInt8(ascii: "e"), UInt8(ascii: "E"): return true
            default: continue
            }
        }
        return true
    }

    /// `JSONDecoder`'s reading of the number `text` alone as `T` (its only possible failure is a number it cannot
    /// represent).
    private static func decodedByFoundation<T: Decodable>(_ type: T.Type, _ text: ArraySlice<UInt8>) throws -> T {
        do {
            return try JSONCoders.decoder.decode(type, from: Data(text))
        } catch {
            throw NumberNotRepresentable(text)
        }
    }
}
