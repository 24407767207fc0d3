/// A piece of HTML markup. Literal text is markup; every interpolated `String` is escaped with
/// ``HTML/escape(_:)``, so a value that came from a job (a name, arguments, an error message) can only ever be
/// text. Interpolated `HTML` is inserted as it is.
struct HTML: Sendable, ExpressibleByStringInterpolation {
    /// The markup.
    private(set) var rendered: String

    init(stringLiteral value: String) {
        rendered = value
    }

    init(stringInterpolation: Interpolation) {
        rendered = stringInterpolation.output
    }

    /// No markup.
    static let empty: HTML = ""

    /// The fragments one after the other.
    init(joining fragments: [HTML]) {
        rendered = fragments.map(\.rendered).joined()
    }

    /// Escapes `text` for use as element content or as a double- or single-quoted attribute value.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Builds markup: literals as they are, `String` values escaped.
    struct Interpolation: StringInterpolationProtocol {
        fileprivate var output = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            output += literal
        }

        mutating func appendInterpolation(_ text: String) {
            output += HTML.escape(text)
        }

        mutating func appendInterpolation(_ number: Int) {
            output += String(number)
        }

        mutating func appendInterpolation(_ markup: HTML) {
            output += markup.rendered
        }

        mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { output += fragment.rendered }
        }
    }
}
