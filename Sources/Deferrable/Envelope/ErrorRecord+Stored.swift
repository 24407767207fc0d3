import Foundation

extension ErrorRecord {
    /// The error record a backend stored as JSON; bytes that do not decode become an `UnreadableErrorRecord` whose
    /// message is the bytes as text, so an error queue entry is always listed.
    package static func stored(_ bytes: [UInt8]) -> ErrorRecord {
        (try? JSONDecoder().decode(ErrorRecord.self, from: Data(bytes)))
            ?? ErrorRecord(type: "UnreadableErrorRecord", message: String(decoding: bytes, as: UTF8.self), attempts: 0, host: "", at: 0)
    }
}
