/// The buckets of one ``HistoryResolution`` kept in a fixed ring: bucket number `b` lives in slot `b % bucketsKept`,
/// so a new bucket overwrites the one that many buckets older and the ring never grows.
struct HistoryRing: Sendable {
    let resolution: HistoryResolution
    private var numbers: [Int64]
    private var counts: [TaskCounts]

    init(_ resolution: HistoryResolution) {
        self.resolution = resolution
        numbers = Array(repeating: .min, count: resolution.bucketsKept)
        counts = Array(repeating: TaskCounts(), count: resolution.bucketsKept)
    }

    /// Counts one run with `outcome` that ended at epoch-millisecond `now`.
    mutating func count(_ outcome: TaskOutcome, at now: Int64) {
        let number = resolution.bucket(containing: now)
        let slot = Self.slot(of: number, in: numbers.count)
        if numbers[slot] != number {
            numbers[slot] = number
            counts[slot] = TaskCounts()
        }
        counts[slot][outcome] = counts[slot][outcome].addingSaturated(1)
    }

    /// The counts of bucket `number`, zero when it is not kept (never counted, or overwritten).
    func counts(ofBucket number: Int64) -> TaskCounts {
        let slot = Self.slot(of: number, in: numbers.count)
        return numbers[slot] == number ? counts[slot] : TaskCounts()
    }

    private static func slot(of number: Int64, in count: Int) -> Int {
        let remainder = number % Int64(count)
        return Int(remainder < 0 ? remainder + Int64(count) : remainder)
    }
}

/// The run-time or queue-wait histograms of the last ``TaskStatistics/recentWindowMinutes`` minutes, one per minute,
/// in a fixed ring; each minute is an array of ``DurationHistogram/bucketCount`` counts, so counting is an index, not
/// a hash.
struct RecentHistograms: Sendable {
    private var minutes = Array(repeating: Int64.min, count: TaskStatistics.recentWindowMinutes)
    private var buckets = Array(repeating: [Int](), count: TaskStatistics.recentWindowMinutes)

    /// Counts `duration` at epoch-millisecond `now`.
    mutating func count(_ duration: Duration, at now: Int64) {
        let minute = HistoryResolution.minute.bucket(containing: now)
        let slot = Int(((minute % Int64(minutes.count)) + Int64(minutes.count)) % Int64(minutes.count))
        if minutes[slot] != minute {
            minutes[slot] = minute
            buckets[slot] = Array(repeating: 0, count: DurationHistogram.bucketCount)
        }
        buckets[slot][DurationHistogram.bucket(of: duration)].addSaturated(1)
    }

    /// The histogram of the window ending in the minute of `now` (bucket index → count, non-zero counts only).
    func window(endingAt now: Int64) -> [Int: Int] {
        let current = HistoryResolution.minute.bucket(containing: now)
        var merged: [Int: Int] = [:]
        for (slot, minute) in minutes.enumerated() where minute <= current && minute > current - Int64(minutes.count) {
            for (index, count) in buckets[slot].enumerated() where count > 0 {
                merged[index, default: 0].addSaturated(count)
            }
        }
        return merged
    }
}
