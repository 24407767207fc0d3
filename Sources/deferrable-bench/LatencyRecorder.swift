import Synchronization

/// Collects start latencies (nanoseconds) from many tasks and summarises them as percentiles.
final class LatencyRecorder: Sendable {
    private let samples = Mutex<[Int64]>([])

    /// Creates a recorder with room for `capacity` samples.
    init(capacity: Int) {
        samples.withLock { $0.reserveCapacity(capacity) }
    }

    /// Records one latency in nanoseconds.
    func record(nanos: Int64) {
        samples.withLock { $0.append(nanos) }
    }

    /// The number of samples so far.
    var count: Int { samples.withLock { $0.count } }

    /// The number of negative samples (jobs that started before they were due).
    var negativeCount: Int { samples.withLock { $0.count { $0 < 0 } } }

    /// p50/p90/p99/max of the samples (nearest rank), or `nil` when there are none.
    func summary() -> LatencySummary? {
        let sorted = samples.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return nil }
        func percentile(_ p: Double) -> Double {
            let rank = Int((p * Double(sorted.count)).rounded(.up))
            return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1e6
        }
        return LatencySummary(p50: percentile(0.50), p90: percentile(0.90), p99: percentile(0.99), max: Double(sorted.last!) / 1e6)
    }
}

/// Latency percentiles in milliseconds.
struct LatencySummary: Sendable {
    /// Median.
    var p50: Double
    /// 90th percentile.
    var p90: Double
    /// 99th percentile.
    var p99: Double
    /// Largest sample.
    var max: Double
}
