/// An entry of the error queue: the job as it was when it failed for good, and why.
public struct DeadJob: Sendable {
    /// The job id.
    public var id: String
    /// The payload as it was stored (kept byte for byte, even when it is not a valid envelope).
    public var payload: [UInt8]
    /// The error record.
    public var error: ErrorRecord

    /// Creates an entry.
    public init(id: String, payload: [UInt8], error: ErrorRecord) {
        self.id = id
        self.payload = payload
        self.error = error
    }

    /// The payload decoded as an envelope, or `nil` when it is not a valid one.
    public var envelope: JobEnvelope? {
        try? EnvelopeCodec.decode(payload)
    }
}
