/// The queue waits of the items started in the current scaling interval, for their 95th percentile.
///
/// Holds at most ``capacity`` samples (the most recent ones), so a busy interval costs bounded memory.
struct WaitSamples: Sendable {
    static let capacity = 512
    private var samples: [Duration] = []
    private var next = 0

    mutating func record(_ wait: Duration) {
        if samples.count < Self.capacity {
            samples.append(wait)
        } else {
            samples[next] = wait
            next = (next + 1) % Self.capacity
        }
    }

    /// The 95th percentile (nearest rank), or zero without samples.
    var p95: Duration {
        guard !samples.isEmpty else { return .zero }
        let sorted = samples.sorted()
        let rank = (sorted.count * 95 + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    mutating func reset() {
        samples.removeAll(keepingCapacity: true)
        next = 0
    }
}
