/// The task statistics of one in-memory group, kept under ``MemoryGroupStore``'s lock so that a settlement and its
/// counters change in one step. Bounded: a row per counted name (names consumers registered, and
/// ``TaskStatistics/unknownName``), each with fixed rings of history buckets and five minutes of histograms.
struct MemoryStatisticsState {
    struct Row {
        var counts = TaskCounts()
        var firstSeen: Int64?
        var lastSeen: Int64?
        var history = HistoryResolution.allCases.map(HistoryRing.init)
        var runTimes = RecentHistograms()
        var queueWaits = RecentHistograms()
    }

    private(set) var rows: [String: Row] = [:]
    private(set) var registeredNames: Set<String> = []

    /// Counts `tally` as a run that ended at `now`.
    mutating func count(_ tally: TaskTally, now: Int64) {
        rows[tally.name, default: Row()].count(tally, now: now)
    }

    mutating func register(_ names: Set<String>) {
        registeredNames.formUnion(names)
    }

    mutating func reset() {
        rows = [:]
    }

    /// The rows' builder with everything but the running jobs (``TaskStatisticsRows/runningNames``), read at `now`.
    func rows(group: String, now: Int64) -> TaskStatisticsRows {
        var rows = TaskStatisticsRows(group: group)
        rows.registered = registeredNames
        for (name, row) in self.rows {
            var counted = TaskStatisticsRows.Counted()
            counted.counts = row.counts
            counted.firstSeen = row.firstSeen
            counted.lastSeen = row.lastSeen
            counted.runTimes = row.runTimes.window(endingAt: now)
            counted.queueWaits = row.queueWaits.window(endingAt: now)
            rows.counted[name] = counted
        }
        return rows
    }

    /// The `limit` buckets of `resolution` up to the one holding `now`, oldest first; all rows summed when `name` is nil.
    func history(name: String?, resolution: HistoryResolution, limit: Int, now: Int64) -> [HistoryBucket] {
        let limit = min(max(limit, 1), resolution.bucketsKept)
        let current = resolution.bucket(containing: now)
        let selected = name.map { rows[$0].map { [$0] } ?? [] } ?? Array(rows.values)
        guard let ring = HistoryResolution.allCases.firstIndex(of: resolution) else { return [] }
        return (0..<Int64(limit)).reversed().map { back in
            let number = current - back
            var counts = TaskCounts()
            for row in selected { counts.add(row.history[ring].counts(ofBucket: number)) }
            return HistoryBucket(startMillis: resolution.startMillis(ofBucket: number), counts: counts)
        }
    }
}

extension MemoryStatisticsState.Row {
    fileprivate mutating func count(_ tally: TaskTally, now: Int64) {
        counts[tally.outcome] = counts[tally.outcome].addingSaturated(1)
        if firstSeen == nil { firstSeen = now }
        lastSeen = max(lastSeen ?? now, now)
        for index in history.indices { history[index].count(tally.outcome, at: now) }
        if let runTime = tally.runTime { runTimes.count(runTime, at: now) }
        if let queueWait = tally.queueWait { queueWaits.count(queueWait, at: now) }
    }
}
