/// A job taken from a queue by one consumer, held under a lease until it is settled.
public struct LeasedJob: Sendable {
    /// The job id under which the queue stores it.
    public var id: String
    /// The stored envelope's bytes or value.
    var content: JobPayload
    /// The stored payload, as it was pushed (it may be malformed: consumers must not trust it). For a job the queue
    /// kept as a value (``envelope``) it is encoded on each read.
    public var payload: [UInt8] {
        get { content.bytes }
        set { content = .encoded(newValue) }
    }

    /// The envelope, when the queue kept the job as a value instead of bytes (the in-memory backend does, for jobs
    /// pushed with ``OutgoingJob/init(envelope:delay:)``); a consumer then need not decode ``payload``.
    public var envelope: JobEnvelope? { content.envelope }
    /// How many times this job's lease lapsed (its consumer died or stalled) since its payload was written.
    /// Each counts as a used attempt.
    public var reclaims: Int
    /// Identifies this lease; settling with a stale token is refused, so a consumer whose lease lapsed
    /// cannot complete a job that another consumer now holds.
    public var leaseToken: String
    /// The backend's clock at the moment of the pop (epoch ms): Redis server time for Redis.
    public var poppedAt: Int64
    /// An instant of this process at or before the moment the lease began (the request that took it was sent then or
    /// later): the consumer counts its lease deadline from here, so it never thinks the lease lasts longer than the
    /// backend does.
    public var leasedAt: ContinuousClock.Instant

    /// Creates a leased job.
    /// - Parameter leasedAt: see ``leasedAt``; the default, now, suits a backend in this process (the lease began
    ///   before the job was made); a remote backend passes the instant before it sent the request that took the lease.
    public init(
        id: String, payload: [UInt8], reclaims: Int, leaseToken: String, poppedAt: Int64, leasedAt: ContinuousClock.Instant = .now
    ) {
        self.init(
            id: id, content: .encoded(payload), reclaims: reclaims, leaseToken: leaseToken, poppedAt: poppedAt, leasedAt: leasedAt)
    }

    /// Creates a leased job whose envelope was kept as a value (see ``OutgoingJob/envelope``).
    public init(
        id: String, envelope: JobEnvelope, reclaims: Int, leaseToken: String, poppedAt: Int64, leasedAt: ContinuousClock.Instant = .now
    ) {
        self.init(
            id: id, content: .envelope(envelope), reclaims: reclaims, leaseToken: leaseToken, poppedAt: poppedAt, leasedAt: leasedAt)
    }

    init(
        id: String, content: JobPayload, reclaims: Int, leaseToken: String, poppedAt: Int64, leasedAt: ContinuousClock.Instant = .now
    ) {
        self.id = id
        self.content = content
        self.reclaims = reclaims
        self.leaseToken = leaseToken
        self.poppedAt = poppedAt
        self.leasedAt = leasedAt
    }
}
