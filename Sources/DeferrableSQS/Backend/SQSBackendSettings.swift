import Deferrable

/// How an ``SQSBackendFactory`` uses its queues.
public struct SQSBackendSettings: Sendable {
    /// Whether a group's queues are created on first use (`CreateQueue`, which finds a queue that already exists);
    /// `false` requires them to exist and fails with `QueueDoesNotExist` otherwise.
    public var createsQueues: Bool
    /// Bounds of the error queues. `maxAge` becomes the error queue's retention period, clamped to SQS's 60 s to 14
    /// days; `maxEntries` is not enforced (SQS cannot trim a queue by count).
    public var errorQueueLimits: ErrorQueueLimits
    /// How throttled and failed requests are retried.
    public var retry: SQSRetryPolicy
    /// How long one request may take beyond the long-polling wait it asks for.
    public var requestTimeout: Duration
    /// How long opening a connection may take.
    public var connectTimeout: Duration
    /// The largest message the backend sends (body and attributes). `nil` reads each main queue's
    /// `MaximumMessageSize` when it is first used.
    public var maximumMessageBytes: Int?
    /// The longest delay SQS holds a message itself (its limit, 900 s); longer delays are re-sent when received
    /// early. Lowered by the tests only.
    var maximumNativeDelaySeconds: Int = 900

    /// Creates settings.
    public init(
        createsQueues: Bool = true,
        errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits(),
        retry: SQSRetryPolicy = SQSRetryPolicy(),
        requestTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        maximumMessageBytes: Int? = nil
    ) {
        self.createsQueues = createsQueues
        self.errorQueueLimits = errorQueueLimits
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maximumMessageBytes = maximumMessageBytes
    }
}
