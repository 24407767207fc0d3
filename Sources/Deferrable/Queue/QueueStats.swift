/// Exact counts of one group's jobs by state.
public struct QueueStats: Sendable, Equatable, Codable {
    /// Jobs runnable now.
    public var available: Int
    /// Jobs held by a consumer under a lease.
    public var inFlight: Int
    /// Jobs waiting for their delay to pass.
    public var delayed: Int
    /// Entries in the error queue.
    public var errors: Int

    /// Creates stats.
    public init(available: Int, inFlight: Int, delayed: Int, errors: Int) {
        self.available = available
        self.inFlight = inFlight
        self.delayed = delayed
        self.errors = errors
    }
}
