/// What one group's runs of one job name add up to.
public struct TaskStatistics: Sendable, Codable, Hashable {
    /// The name every job whose name no consumer of the group registered is counted under, so that names pushed by
    /// mistake cannot create rows (or keys) without bound.
    public static let unknownName = "unknown"

    /// The window the run-time and queue-wait percentiles cover, in minutes: the current minute and the four before it.
    public static let recentWindowMinutes = 5

    /// The group.
    public var group: String
    /// The job name, or ``unknownName``.
    public var name: String
    /// Jobs of this name held under a live lease now: read from the leases themselves, so a killed worker's jobs stop
    /// counting once their lease lapses.
    public var running: Int
    /// Runs by outcome, since statistics were first kept (or last reset).
    public var counts: TaskCounts
    /// When a run of this name first ended (epoch milliseconds).
    public var firstSeenMillis: Int64?
    /// When a run of this name last ended (epoch milliseconds).
    public var lastSeenMillis: Int64?
    /// Run time (start of the body → its end) over the recent window (``recentWindowMinutes``).
    public var runTime: DurationPercentiles?
    /// Queue wait (runnable → start) over the recent window.
    public var queueWait: DurationPercentiles?

    /// All runs.
    public var total: Int { counts.total }

    /// Creates statistics.
    public init(
        group: String, name: String, running: Int = 0, counts: TaskCounts = TaskCounts(), firstSeenMillis: Int64? = nil,
        lastSeenMillis: Int64? = nil, runTime: DurationPercentiles? = nil, queueWait: DurationPercentiles? = nil
    ) {
        self.group = group
        self.name = name
        self.running = running
        self.counts = counts
        self.firstSeenMillis = firstSeenMillis
        self.lastSeenMillis = lastSeenMillis
        self.runTime = runTime
        self.queueWait = queueWait
    }
}
