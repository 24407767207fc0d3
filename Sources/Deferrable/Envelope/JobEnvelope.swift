/// One job as it travels through a queue: the wire-format document of Deferrable.
///
/// An envelope is a single JSON object, version-tagged with `"v": 1`. Every time is an integer number of
/// milliseconds since the Unix epoch and every duration an integer number of milliseconds, so that any
/// language can produce and consume it. See `docs/wire-format.md` for the full contract.
///
/// The arguments are kept as the raw JSON text that the producer wrote (``argsJSON``); they are decoded into
/// the registered argument type only when the job runs.
public struct JobEnvelope: Sendable, Equatable {
    /// The wire-format version this library writes and reads.
    public static let currentVersion = 1

    /// Unique id of the job, kept across retries and reschedules.
    public var id: String
    /// Registered name of the job.
    public var name: String
    /// Group (queue) the job was pushed to.
    public var group: String
    /// Raw JSON text of the arguments (an object, array or scalar).
    public var argsJSON: [UInt8]
    /// Runs that already ended in a retriable failure, or were lost with their worker.
    public var attempts: Int
    /// Total runs allowed before the job goes to the error queue.
    public var maxAttempts: Int
    /// Time of the first `later()` (epoch ms); the TTL clock starts here.
    public var firstPushedAt: Int64
    /// Time of the latest push, including retries and reschedules (epoch ms).
    public var lastPushedAt: Int64
    /// The job must not start before this time (epoch ms), or `nil` when it was runnable at once.
    public var notBefore: Int64?
    /// When the job became runnable (epoch ms): ``notBefore``, or the last push.
    public var runnableAt: Int64 { notBefore ?? lastPushedAt }
    /// Time to live in milliseconds, counted from ``firstPushedAt``; `nil` for no limit.
    public var ttlMillis: Int64?
    /// Values written by metadata providers at `later()` time, by namespace.
    public var metadata: [String: String]
    /// How retries are delayed; travels with the job so every consumer applies the producer's choice.
    public var backoff: Backoff
    /// The run time limit in milliseconds, when the job has one.
    public var timeLimitMillis: Int64?
    /// How long the job's terminal record is kept for its futures (ms), for a job that returns a value; `nil` for a
    /// job whose outcome is not stored.
    public var resultTTLMillis: Int64?

    /// Creates an envelope.
    public init(
        id: String,
        name: String,
        group: String,
        argsJSON: [UInt8],
        attempts: Int = 0,
        maxAttempts: Int,
        firstPushedAt: Int64,
        lastPushedAt: Int64? = nil,
        notBefore: Int64? = nil,
        ttlMillis: Int64? = nil,
        metadata: [String: String] = [:],
        backoff: Backoff = .exponential(),
        timeLimitMillis: Int64? = nil,
        resultTTLMillis: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.group = group
        self.argsJSON = argsJSON
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.firstPushedAt = firstPushedAt
        self.lastPushedAt = lastPushedAt ?? firstPushedAt
        self.notBefore = notBefore
        self.ttlMillis = ttlMillis
        self.metadata = metadata
        self.backoff = backoff
        self.timeLimitMillis = timeLimitMillis
        self.resultTTLMillis = resultTTLMillis
    }

    /// The time after which the job is expired, if it has a TTL (`Int64.max` when the sum does not fit).
    public var expiresAt: Int64? {
        ttlMillis.map { firstPushedAt.addingSaturated($0) }
    }

    /// Whether the job is past its TTL at `now` (strictly later than first push + TTL, as in the original).
    public func isExpired(at now: Int64) -> Bool {
        guard let expiresAt else { return false }
        return now > expiresAt
    }
}
