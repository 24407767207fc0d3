/// What a running ``Worker`` last said about itself: written on every heartbeat, gone within two heartbeat intervals
/// after the worker stops beating.
public struct WorkerHeartbeat: Sendable, Codable, Hashable {
    /// Identifies this worker process run (unique per start).
    public var id: String
    /// The host name.
    public var host: String
    /// The process id.
    public var pid: Int32
    /// When the worker started (epoch milliseconds).
    public var startedMillis: Int64
    /// Jobs it runs at once at most.
    public var concurrency: Int
    /// Slots running a job now.
    public var busySlots: Int
    /// The groups it consumes.
    public var groups: [String]
    /// The ids of the jobs it runs now (at most ``maxListedJobs``).
    public var jobIDs: [String]
    /// When this heartbeat was written (epoch milliseconds).
    public var beatMillis: Int64
    /// How long after ``beatMillis`` the heartbeat stops being listed (two heartbeat intervals), in milliseconds.
    public var expiresAfterMillis: Int64

    /// The most job ids a heartbeat lists.
    public static let maxListedJobs = 1000

    /// Creates a heartbeat.
    public init(
        id: String, host: String, pid: Int32, startedMillis: Int64, concurrency: Int, busySlots: Int, groups: [String],
        jobIDs: [String], beatMillis: Int64, expiresAfterMillis: Int64
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedMillis = startedMillis
        self.concurrency = concurrency
        self.busySlots = busySlots
        self.groups = groups
        self.jobIDs = Array(jobIDs.prefix(Self.maxListedJobs))
        self.beatMillis = beatMillis
        self.expiresAfterMillis = expiresAfterMillis
    }
}
