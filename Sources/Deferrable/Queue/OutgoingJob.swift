/// A job on its way into a queue: its id, its encoded envelope, and how long to hold it back.
public struct OutgoingJob: Sendable {
    /// The job id (the envelope's id); queues address jobs by it.
    public var id: String
    /// The encoded envelope.
    public var payload: [UInt8]
    /// How long the job stays invisible before it becomes runnable; `.zero` for at once.
    public var delay: Duration

    /// Creates an outgoing job.
    public init(id: String, payload: [UInt8], delay: Duration = .zero) {
        self.id = id
        self.payload = payload
        self.delay = delay
    }

    /// Throws ``DeferrableError/invalidJobID(_:reason:)`` unless `id` can address a job in every backend: it is not
    /// empty and contains no NUL character (the Redis backend's ready list uses both as separators).
    public static func validate(id: String) throws(DeferrableError) {
        guard !id.isEmpty else { throw .invalidJobID(id, reason: "it is empty") }
        guard !id.utf8.contains(0) else { throw .invalidJobID(id, reason: "it contains a NUL character") }
    }
}
