/// Bounds of an error queue. The defaults follow Sidekiq's dead set: 10,000 entries, 180 days.
public struct ErrorQueueLimits: Sendable, Hashable {
    /// Most entries kept; past it the oldest go first.
    public var maxEntries: Int
    /// Entries older than this are removed.
    public var maxAge: Duration

    /// Creates limits.
    public init(maxEntries: Int = 10_000, maxAge: Duration = .seconds(180 * 24 * 3600)) {
        self.maxEntries = maxEntries
        self.maxAge = maxAge
    }
}
