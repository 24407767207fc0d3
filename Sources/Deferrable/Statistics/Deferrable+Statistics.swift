/// Reading the group's task statistics.
extension Deferrable {
    /// A row per job name of the group (see ``TaskStatisticsStore/statistics()``), sorted by name.
    /// - Throws: ``DeferrableError/statisticsNotSupported(group:)`` when the backend keeps none, or the backend's error.
    public func taskStatistics() async throws -> [TaskStatistics] {
        try await requireStatistics().statistics()
    }

    /// The row of job name `name` (``TaskStatistics/unknownName`` for the row of unregistered names); a name without
    /// runs, running jobs or registration gets a row of zeros.
    /// - Throws: ``DeferrableError/statisticsNotSupported(group:)`` when the backend keeps none, or the backend's error.
    public func taskStatistics(name: String) async throws -> TaskStatistics {
        try await taskStatistics().first { $0.name == name } ?? TaskStatistics(group: group, name: name)
    }

    /// The `limit` most recent history buckets of `resolution`, oldest first; `name` `nil` sums every job name of the
    /// group. `limit` is clamped to `1 ... resolution.bucketsKept`.
    /// - Throws: ``DeferrableError/statisticsNotSupported(group:)`` when the backend keeps none, or the backend's error.
    public func history(name: String? = nil, resolution: HistoryResolution = .minute, limit: Int = 60) async throws
        -> [HistoryBucket]
    {
        try await requireStatistics().history(name: name, resolution: resolution, limit: limit)
    }

    private func requireStatistics() throws -> any TaskStatisticsStore {
        guard let store = backend.statistics else { throw DeferrableError.statisticsNotSupported(group: group) }
        return store
    }
}
