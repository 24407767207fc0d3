/// Where a backend keeps one group's task statistics. Counters are written by ``JobQueue/settle(_:_:tally:)``, in the
/// same atomic step as the settlement; this protocol reads them.
public protocol TaskStatisticsStore: Sendable {
    /// Records that consumers of the group run jobs of `names`: only these names get rows of their own in
    /// ``statistics()`` (a job of another name counts as ``TaskStatistics/unknownName``). Idempotent.
    func registerNames(_ names: Set<String>) async throws

    /// A row per job name with runs, running jobs or registration, sorted by name; the ``TaskStatistics/unknownName``
    /// row collects every other name.
    func statistics() async throws -> [TaskStatistics]

    /// The `limit` most recent buckets of `resolution` up to now, oldest first, with zero counts where nothing ended;
    /// `name` `nil` sums every name of the group. `limit` is clamped to `1 ... resolution.bucketsKept`.
    func history(name: String?, resolution: HistoryResolution, limit: Int) async throws -> [HistoryBucket]

    /// Removes every counter, bucket and histogram of the group.
    func reset() async throws
}
