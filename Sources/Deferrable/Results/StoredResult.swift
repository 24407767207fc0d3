/// A job's terminal record on its way into a backend's ``ResultStore``: written by the settlement that ends the job
/// (``Settlement/complete(result:)``, ``Settlement/deadLetter(payload:error:result:)``), kept for `ttl`, then gone.
public struct StoredResult: Sendable, Equatable {
    /// The record's wire bytes (``JobResultRecord``, `docs/wire-format.md`).
    public var record: [UInt8]
    /// How long the backend keeps the record: positive, at most ``EnvelopeBounds/longestDuration``.
    public var ttl: Duration

    /// Creates a stored result.
    public init(record: [UInt8], ttl: Duration) {
        self.record = record
        self.ttl = ttl
    }
}
