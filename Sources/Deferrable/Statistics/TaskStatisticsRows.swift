/// Builds the rows of ``TaskStatisticsStore/statistics()`` from what a backend read, the same way for every backend.
package struct TaskStatisticsRows {
    /// What is stored for one counted name.
    package struct Counted {
        package var counts = TaskCounts()
        package var firstSeen: Int64?
        package var lastSeen: Int64?
        /// Run-time histogram of the recent window (``DurationHistogram`` bucket → count).
        package var runTimes: [Int: Int] = [:]
        /// Queue-wait histogram of the recent window.
        package var queueWaits: [Int: Int] = [:]

        package init() {}
    }

    package var group: String
    /// Names consumers registered.
    package var registered: Set<String> = []
    /// Counted names.
    package var counted: [String: Counted] = [:]
    /// The job name of each job under a live lease (`nil`: unreadable).
    package var runningNames: [String?] = []

    package init(group: String) {
        self.group = group
    }

    /// A row per registered, counted or running name (running jobs of unregistered names count as
    /// ``TaskStatistics/unknownName``), sorted by name.
    package func rows() -> [TaskStatistics] {
        var running: [String: Int] = [:]
        for name in runningNames {
            let counted = name.flatMap { registered.contains($0) ? $0 : nil } ?? TaskStatistics.unknownName
            running[counted, default: 0] += 1
        }
        let names = registered.union(counted.keys).union(running.keys)
        return names.sorted().map { name in
            let row = counted[name]
            return TaskStatistics(
                group: group, name: name, running: running[name] ?? 0, counts: row?.counts ?? TaskCounts(),
                firstSeenMillis: row?.firstSeen, lastSeenMillis: row?.lastSeen,
                runTime: row.flatMap { DurationHistogram.percentiles($0.runTimes) },
                queueWait: row.flatMap { DurationHistogram.percentiles($0.queueWaits) })
        }
    }
}
