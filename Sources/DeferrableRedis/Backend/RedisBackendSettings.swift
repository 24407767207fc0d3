import Deferrable

/// Settings of the Redis backend beyond the connection.
public struct RedisBackendSettings: Sendable {
    /// Prefix of every key (default `deferrable`).
    public var keyPrefix: String
    /// Bounds of every group's error queue.
    public var errorQueueLimits: ErrorQueueLimits
    /// Longest single blocking wait inside Redis while idle; a `runOnce` wait is split into waits this long.
    public var maxBlock: Duration
    /// Jobs per push script call in a batch; all chunks of a batch still go in one pipelined round trip.
    public var pushChunkSize: Int

    /// Creates settings.
    public init(
        keyPrefix: String = "deferrable",
        errorQueueLimits: ErrorQueueLimits = ErrorQueueLimits(),
        maxBlock: Duration = .seconds(2),
        pushChunkSize: Int = 1000
    ) {
        self.keyPrefix = keyPrefix
        self.errorQueueLimits = errorQueueLimits
        self.maxBlock = maxBlock
        self.pushChunkSize = max(1, pushChunkSize)
    }
}
