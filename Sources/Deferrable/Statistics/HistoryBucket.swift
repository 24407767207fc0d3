/// One bucket of task history: the runs that ended in it, by outcome.
public struct HistoryBucket: Sendable, Codable, Hashable {
    /// When the bucket began (epoch milliseconds).
    public var startMillis: Int64
    /// Runs that ended in the bucket.
    public var counts: TaskCounts

    /// Creates a bucket.
    public init(startMillis: Int64, counts: TaskCounts) {
        self.startMillis = startMillis
        self.counts = counts
    }
}
