import Deferrable

/// How a ``PostgresBackendFactory`` stores and wakes jobs.
public struct PostgresBackendSettings: Sendable {
    /// The schema that holds every table and function (see ``PostgresSchema``); `deferrable` by default.
    public var schema: String
    /// Bounds of every group's error queue.
    public var errorQueueLimits: ErrorQueueLimits
    /// How idle consumers are woken.
    public var wakeMode: PostgresWakeMode
    /// The longest an idle consumer waits before it looks for jobs again even without a notification; clamped to
    /// 10 ms … 60 s.
    public var safetyPollInterval: Duration
    /// The longest one database call may take, connecting included, before it fails with
    /// ``PostgresBackendError/timedOut(operation:after:)``; clamped to 100 ms … 10 min.
    public var operationTimeout: Duration

    /// Creates settings.
    public init(
        schema: String = "deferrable",
        errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits(),
        wakeMode: PostgresWakeMode = .listen,
        safetyPollInterval: Duration = .seconds(1),
        operationTimeout: Duration = .seconds(10)
    ) {
        self.schema = schema
        self.errorQueueLimits = errorQueueLimits
        self.wakeMode = wakeMode
        self.safetyPollInterval = safetyPollInterval
        self.operationTimeout = operationTimeout
    }

    /// ``safetyPollInterval`` within its bounds.
    var clampedSafetyPoll: Duration {
        min(max(safetyPollInterval, .milliseconds(10)), .seconds(60))
    }

    /// ``operationTimeout`` within its bounds.
    var clampedOperationTimeout: Duration {
        min(max(operationTimeout, .milliseconds(100)), .seconds(600))
    }
}
