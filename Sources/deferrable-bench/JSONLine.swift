import Foundation

/// A JSON value for the benchmark's output lines; objects keep their key order.
enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case object([(String, JSONValue)])
    case null

    /// The value rendered as compact JSON.
    var rendered: String {
        switch self {
        case .string(let text): return JSONValue.quote(text)
        case .int(let value): return String(value)
        case .double(let value):
            guard value.isFinite else { return "null" }
            return Self.trimmed(value)
        case .null: return "null"
        case .object(let fields):
            return "{" + fields.map { "\(JSONValue.quote($0.0)):\($0.1.rendered)" }.joined(separator: ",") + "}"
        }
    }

    /// A double with at most 6 decimals and no trailing zeros.
    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Optional where Wrapped == Double {
    /// `.double` or `.null`.
    var json: JSONValue { map(JSONValue.double) ?? .null }
}
