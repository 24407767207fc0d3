/// The bucket sizes of task history, each kept for a bounded time; older buckets expire by themselves.
public enum HistoryResolution: String, Sendable, Codable, CaseIterable, Hashable {
    /// One-minute buckets, kept for 8 hours.
    case minute
    /// Ten-minute buckets, kept for 3 days.
    case tenMinutes
    /// Daily totals (UTC days), kept for 90 days.
    case day

    /// The length of one bucket, in milliseconds.
    public var bucketMillis: Int64 {
        switch self {
        case .minute: 60_000
        case .tenMinutes: 600_000
        case .day: 86_400_000
        }
    }

    /// How many buckets are kept.
    public var bucketsKept: Int {
        switch self {
        case .minute: 480
        case .tenMinutes: 432
        case .day: 90
        }
    }

    /// How long a bucket is kept after it began, in milliseconds.
    public var retentionMillis: Int64 { bucketMillis * Int64(bucketsKept) }

    /// When bucket `number` begins (epoch milliseconds, saturating).
    public func startMillis(ofBucket number: Int64) -> Int64 {
        number.multipliedSaturated(by: bucketMillis)
    }

    /// The number of the bucket holding epoch-millisecond `millis` (buckets count from the Unix epoch).
    public func bucket(containing millis: Int64) -> Int64 {
        millis >= 0 ? millis / bucketMillis : (millis + 1) / bucketMillis - 1
    }
}
