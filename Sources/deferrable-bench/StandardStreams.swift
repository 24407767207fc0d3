import Foundation

/// Unbuffered writes to standard output (the JSON lines) and standard error (progress and the table).
enum StandardStreams {
    /// Writes `line` and a newline to standard output.
    static func outputLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to standard error as is.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
