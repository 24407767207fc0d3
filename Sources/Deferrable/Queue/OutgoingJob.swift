import Foundation

/// A job on its way into a queue: its id, its envelope (encoded, or as a value), and how long to hold it back.
public struct OutgoingJob: Sendable {
    /// The job id (the envelope's id); queues address jobs by it.
    public var id: String
    /// The envelope's bytes or value.
    var content: JobPayload
    /// How long the job stays invisible before it becomes runnable; `.zero` for at once.
    public var delay: Duration
    /// Whether the job's terminal record will be stored (its envelope has a result TTL): the queue then keeps the job
    /// addressable by id while it is queued, so ``ResultStore/lookup(id:)`` can tell a queued job from an unknown one.
    public var keepsResult: Bool

    /// The encoded envelope. For a job made with ``init(envelope:delay:)`` it is encoded on each read, so read it
    /// once.
    public var payload: [UInt8] {
        get { content.bytes }
        set { content = .encoded(newValue) }
    }

    /// The envelope, when the job was made from one (``init(envelope:delay:)``) rather than from bytes.
    ///
    /// A backend that keeps jobs in this process can store it as it is and hand it back in
    /// ``LeasedJob/init(id:envelope:reclaims:leaseToken:poppedAt:)``, so the job is never encoded or decoded.
    public var envelope: JobEnvelope? { content.envelope }

    /// Creates an outgoing job from an encoded envelope.
    public init(id: String, payload: [UInt8], delay: Duration = .zero, keepsResult: Bool = false) {
        self.id = id
        self.content = .encoded(payload)
        self.delay = delay
        self.keepsResult = keepsResult
    }

    /// Creates an outgoing job that carries its envelope as a value, to be encoded only if ``payload`` is read.
    public init(envelope: JobEnvelope, delay: Duration = .zero) {
        self.id = envelope.id
        self.content = .envelope(envelope)
        self.delay = delay
        self.keepsResult = envelope.resultTTLMillis != nil
    }

    /// Throws ``DeferrableError/invalidJobID(_:reason:)`` unless `id` can address a job in every backend: it is not
    /// empty and contains no NUL character (the Redis backend's ready list uses both as separators).
    public static func validate(id: String) throws(DeferrableError) {
        guard !id.isEmpty else { throw .invalidJobID(id, reason: "it is empty") }
        var id = id
        // `withUTF8` and `memchr`: the generic `utf8.contains` walked the view byte by byte on every push.
        let hasNUL = id.withUTF8 { memchr($0.baseAddress!, 0, $0.count) != nil }
        guard !hasNUL else { throw .invalidJobID(id, reason: "it contains a NUL character") }
    }
}
