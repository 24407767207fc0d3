/// The in-memory task statistics of a group (see ``MemoryStatisticsState``); "running" is read from the live leases
/// of the group's jobs.
struct MemoryStatisticsStore: TaskStatisticsStore {
    /// The most leased jobs whose names one ``statistics()`` call reads.
    static let maxRunningExamined = 10_000

    let group: String
    let store: MemoryGroupStore

    func registerNames(_ names: Set<String>) async throws {
        store.withState { state, _ in state.statistics.register(names) }
    }

    func statistics() async throws -> [TaskStatistics] {
        var (rows, payloads) = store.withState { state, now in
            (state.statistics.rows(group: group, now: now), state.leasedPayloads(now: now, limit: Self.maxRunningExamined))
        }
        // Names are read outside the lock.
        rows.runningNames = payloads.map(\.jobName)
        return rows.rows()
    }

    func history(name: String?, resolution: HistoryResolution, limit: Int) async throws -> [HistoryBucket] {
        store.withState { state, now in state.statistics.history(name: name, resolution: resolution, limit: limit, now: now) }
    }

    func reset() async throws {
        store.withState { state, _ in state.statistics.reset() }
    }
}
