/// Percentiles of a set of durations (run times or queue waits), read from a ``DurationHistogram``: each is the
/// middle of the histogram bucket the percentile falls in, so it is within 1/16 of the true value (and exact below
/// 8 µs).
public struct DurationPercentiles: Sendable, Codable, Hashable {
    /// The median.
    public var p50: Duration
    /// The 95th percentile.
    public var p95: Duration
    /// The 99th percentile.
    public var p99: Duration
    /// How many durations the percentiles were read from.
    public var samples: Int

    /// Creates percentiles.
    public init(p50: Duration, p95: Duration, p99: Duration, samples: Int) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.samples = samples
    }
}
