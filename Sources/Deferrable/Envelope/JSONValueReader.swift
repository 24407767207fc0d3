/// Reads single JSON values from their raw text, as ``JSONTopLevelScanner`` returns them.
enum JSONValueReader {
    enum ReadError: Error {
        case wrongType
    }

    /// Whether `raw` is the literal `null`.
    static func isNull(_ raw: ArraySlice<UInt8>) -> Bool {
        raw.elementsEqual("null".utf8)
    }

    /// A JSON integer (no fraction or exponent) that fits in `Int64`.
    static func int64(_ raw: ArraySlice<UInt8>) throws -> Int64 {
        var digits = raw[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard let first = digits.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
            first != UInt8(ascii: "0") || digits.count == 1
        else { throw ReadError.wrongType }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw ReadError.wrongType }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw ReadError.wrongType }
            value = next
        }
        return value
    }

    /// A JSON string, unescaped; it must be valid UTF-8.
    static func string(_ raw: ArraySlice<UInt8>) throws -> String {
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { throw ReadError.wrongType }
        let body = raw.dropFirst().dropLast()
        guard body.contains(UInt8(ascii: "\\")) else {
            guard let text = String(validating: body, as: UTF8.self) else { throw ReadError.wrongType }
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard index < body.endIndex else { throw ReadError.wrongType }
            let escape = body[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(body, &index)
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < body.endIndex, body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u")
                    else { throw ReadError.wrongType }
                    index += 2
                    let low = try hex4(body, &index)
                    guard (0xDC00..<0xE000).contains(low) else { throw ReadError.wrongType }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw ReadError.wrongType }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw ReadError.wrongType
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw ReadError.wrongType }
        return text
    }

    private static func hex4(_ body: ArraySlice<UInt8>, _ index: inout Int) throws -> UInt32 {
        guard index + 4 <= body.endIndex else { throw ReadError.wrongType }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = body[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw ReadError.wrongType
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Whether `raw` is `true`, `false`, `null` or a JSON number.
    static func isLiteralOrNumber(_ raw: ArraySlice<UInt8>) -> Bool {
        if raw.elementsEqual("true".utf8) || raw.elementsEqual("false".utf8) || isNull(raw) { return true }
        var index = raw.startIndex
        func digits() -> Int {
            let start = index
            while index < raw.endIndex, raw[index] >= UInt8(ascii: "0"), raw[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < raw.endIndex, raw[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, raw[integerStart] != UInt8(ascii: "0") || integerDigits == 1 else { return false }
        if index < raw.endIndex, raw[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < raw.endIndex, raw[index] == UInt8(ascii: "e") || raw[index] == UInt8(ascii: "E") {
            index += 1
            if index < raw.endIndex, raw[index] == UInt8(ascii: "+") || raw[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == raw.endIndex
    }
}
