/// The histogram every backend keeps run times and queue waits in: log-linear buckets of microseconds (eight per
/// power of two, so a bucket is at most 1/8 of its lower bound wide), a bucket index per duration. Backends store
/// counts by index; ``percentiles(_:)`` reads them back.
public enum DurationHistogram {
    /// The number of buckets: indexes are `0 ..< bucketCount`.
    public static let bucketCount = 488

    /// The bucket of `duration` (negative durations count as zero).
    public static func bucket(of duration: Duration) -> Int {
        let micros = duration.wholeMicrosecondsClamped
        guard micros >= 8 else { return Int(max(micros, 0)) }
        let msb = 63 - micros.leadingZeroBitCount
        return (msb - 2) * 8 + Int((micros >> (msb - 3)) & 7)
    }

    /// The range of microseconds bucket `index` counts: `lower ..< upper`.
    public static func bounds(of index: Int) -> (lower: Int64, upper: Int64) {
        let index = min(max(index, 0), bucketCount - 1)
        guard index >= 8 else { return (Int64(index), Int64(index) + 1) }
        let msb = index / 8 + 2
        let width = Int64(1) << (msb - 3)
        let lower = (Int64(8 + index % 8)) << (msb - 3)
        return (lower, lower.addingSaturated(width))
    }

    /// The middle of bucket `index`, as a duration.
    public static func representative(of index: Int) -> Duration {
        let (lower, upper) = bounds(of: index)
        return .microseconds(lower / 2 + upper / 2)
    }

    /// Percentiles of the durations counted in `counts` (bucket index → count; indexes out of range and counts below
    /// one are ignored); `nil` when nothing is counted.
    public static func percentiles(_ counts: [Int: Int]) -> DurationPercentiles? {
        let sorted = counts.filter { (0..<bucketCount).contains($0.key) && $0.value > 0 }.sorted { $0.key < $1.key }
        let total = sorted.reduce(0) { $0.addingSaturated($1.value) }
        guard total > 0 else { return nil }
        func percentile(_ percent: Int) -> Duration {
            // The smallest bucket whose cumulative count reaches ⌈percent × total / 100⌉ (in integers: no rounding
            // error, no overflow below Int.max / 100 samples, and saturated above).
            let rank = max(1, total.multipliedSaturated(by: percent).addingSaturated(99) / 100)
            var seen = 0
            for (index, count) in sorted {
                seen = seen.addingSaturated(count)
                if seen >= rank { return representative(of: index) }
            }
            return representative(of: sorted[sorted.count - 1].key)
        }
        return DurationPercentiles(p50: percentile(50), p95: percentile(95), p99: percentile(99), samples: total)
    }
}

extension Duration {
    /// Whole microseconds, clamped to `0 ... Int64.max`.
    fileprivate var wholeMicrosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return .max }
        return product.addingSaturated(attoseconds / 1_000_000_000_000)
    }
}
