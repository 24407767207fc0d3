import Foundation

/// Writing to stdout and stderr.
enum Output {
    /// Writes `line` to stdout, unbuffered (so `--watch` output reaches pipes at once).
    static func line(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints `deferrable: message` to stderr.
    static func error(_ message: String) {
        errorRaw("deferrable: \(message)")
    }

    /// Prints `line` to stderr.
    static func errorRaw(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints one `key  value` line per field, the values aligned after the longest key.
    static func fields(_ fields: [(String, String)]) {
        let width = fields.map(\.0.count).max() ?? 0
        for (key, value) in fields {
            line(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    /// Prints a JSON value (dictionaries, arrays, strings, numbers, `NSNull`) with sorted keys.
    static func json(_ value: Any, pretty: Bool = true) throws {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        let data = try JSONSerialization.data(withJSONObject: value, options: options)
        line(String(decoding: data, as: UTF8.self))
    }
}
