/// A job taken from a queue by one consumer, held under a lease until it is settled.
public struct LeasedJob: Sendable {
    /// The job id under which the queue stores it.
    public var id: String
    /// The stored payload, as it was pushed (it may be malformed: consumers must not trust it).
    public var payload: [UInt8]
    /// How many times this job's lease lapsed (its consumer died or stalled) since its payload was written.
    /// Each counts as a used attempt.
    public var reclaims: Int
    /// Identifies this lease; settling with a stale token is refused, so a consumer whose lease lapsed
    /// cannot complete a job that another consumer now holds.
    public var leaseToken: String
    /// The backend's clock at the moment of the pop (epoch ms): Redis server time for Redis.
    public var poppedAt: Int64

    /// Creates a leased job.
    public init(id: String, payload: [UInt8], reclaims: Int, leaseToken: String, poppedAt: Int64) {
        self.id = id
        self.payload = payload
        self.reclaims = reclaims
        self.leaseToken = leaseToken
        self.poppedAt = poppedAt
    }
}
