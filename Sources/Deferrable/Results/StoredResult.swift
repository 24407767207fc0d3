/// A job's terminal record on its way into a backend's ``ResultStore``: written by the settlement that ends the job
/// (``Settlement/complete(result:)``, ``Settlement/deadLetter(payload:error:result:)``), kept for `ttl`, then gone.
///
/// A consumer makes it from the record as a value; a backend that keeps results in this process can store the value
/// (``value``) and encode it only when it is read; one that writes bytes elsewhere reads ``record``.
public struct StoredResult: Sendable, Equatable {
    enum Content: Sendable, Equatable {
        case encoded([UInt8])
        indirect case value(JobResultRecord)

        /// The wire bytes: encoded now for the value case.
        var bytes: [UInt8] {
            switch self {
            case .encoded(let bytes): bytes
            case .value(let record): JobResultRecordCodec.encode(record)
            }
        }
    }

    let content: Content
    /// How long the backend keeps the record: positive, at most ``EnvelopeBounds/longestDuration``.
    public var ttl: Duration

    /// The record's wire bytes (``JobResultRecord``, `docs/wire-format.md`); encoded on each read for a result made
    /// from a value, so read it once.
    public var record: [UInt8] { content.bytes }

    /// The record, when the result was made from one rather than from bytes.
    public var value: JobResultRecord? {
        if case .value(let record) = content { record } else { nil }
    }

    /// Creates a stored result from a record's bytes.
    public init(record: [UInt8], ttl: Duration) {
        self.content = .encoded(record)
        self.ttl = ttl
    }

    /// Creates a stored result that carries its record as a value, to be encoded only if ``record`` is read.
    public init(value: JobResultRecord, ttl: Duration) {
        self.content = .value(value)
        self.ttl = ttl
    }
}
