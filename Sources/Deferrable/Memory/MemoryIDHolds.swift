/// The ids an in-memory group keeps taken after their jobs left (``IdempotentJobQueue/pushIfAbsent(_:hold:)``), with
/// when each hold ends. Lapsed holds are dropped in bulk whenever the table has doubled since the last sweep, so a
/// push costs amortised constant time and the table stays within twice its live size.
struct MemoryIDHolds {
    private var until: [String: Int64] = [:]
    private var sweepAt = 1024

    /// Whether `id` is held at `now`.
    func holds(_ id: String, now: Int64) -> Bool {
        guard let end = until[id] else { return false }
        return end > now
    }

    /// Holds `id` until `end`, or longer if it is held longer already.
    mutating func hold(_ id: String, until end: Int64, now: Int64) {
        until[id] = max(until[id] ?? end, end)
        if until.count >= sweepAt {
            until = until.filter { $0.value > now }
            sweepAt = max(1024, until.count * 2)
        }
    }

    mutating func removeAll() {
        until.removeAll()
        sweepAt = 1024
    }
}
