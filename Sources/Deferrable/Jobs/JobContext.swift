import Logging

/// What a running job knows about itself.
public struct JobContext: Sendable {
    /// The job id, kept across retries.
    public let id: String
    /// The registered job name.
    public let name: String
    /// The group the job came from.
    public let group: String
    /// Which run this is: 1 for the first, 2 for the first retry, …
    public let attempt: Int
    /// Total runs allowed.
    public let maxAttempts: Int
    /// Time of the first `later()` (epoch ms).
    public let firstPushedAt: Int64
    /// When this run's job became runnable (epoch ms, the producer's clock): its push, retry, reschedule or hand-back
    /// plus any delay. The wait in the queue is the pop time minus this.
    public let queuedAt: Int64
    /// Metadata written at `later()` time, by namespace.
    public let metadata: [String: String]
    /// Identifies this run (its attempt and lease token) for fencing writes to downstream systems: see ``JobFence``.
    public let fence: JobFence
    /// The instance's logger (it carries the group); ``logger`` adds the job's metadata when asked for.
    let baseLogger: Logger

    /// A logger with the job's id, name, group and attempt as metadata (built on first use of each access,
    /// so jobs that do not log pay nothing for it).
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "job.id"] = "\(id)"
        logger[metadataKey: "job.name"] = "\(name)"
        logger[metadataKey: "attempt"] = "\(attempt)"
        return logger
    }
}
