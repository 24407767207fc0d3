/// An entry of the error queue: the job as it was when it failed for good, and why.
public struct DeadJob: Sendable {
    /// The job id.
    public var id: String
    /// The payload: a valid envelope is stored with `attempts` and `lastPushedAt` brought up to date; a payload
    /// that does not decode is kept byte for byte.
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
