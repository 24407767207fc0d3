import Deferrable

/// How many replicas must hold a push or a settlement before the backend reports it done, so that the failover of
/// a primary cannot drop a job that a caller saw acknowledged.
///
/// With ``RedisConfiguration/replicaConfirmation`` set, every push (`later()`, debounced pushes) and every
/// settlement (complete, retry, reschedule, error queue) is sent on a dedicated connection followed, in the same
/// write, by `WAIT replicas timeout` (or, with ``appendOnlyFile``, `WAITAOF 0 replicas timeout`: the replicas have
/// also written it to their append-only file with `fsync`, Redis 7.2+). When fewer replicas confirm within
/// ``timeout``, the call throws ``RedisError/notReplicated(endpoint:replicas:required:)``: the write is on the
/// primary and normally runs, but a failover before it replicates may drop it. A push that fails this way may
/// therefore still run (pushing it again can run it twice).
///
/// Each confirmed write costs one round trip from the primary to its replicas on top of its own, and holds a
/// connection of the blocking pool (``RedisConfiguration/maxBlockingConnections``) while it waits.
public struct RedisReplicaConfirmation: Sendable, Hashable {
    /// The most replicas a confirmation may ask for.
    public static let maxReplicas = 1000
    /// The longest wait a confirmation may have.
    public static let maxTimeout: Duration = .seconds(600)

    /// How many replicas must confirm the write (1 to ``maxReplicas``).
    public let replicas: Int
    /// How long the primary waits for them (1 ms to ``maxTimeout``).
    public let timeout: Duration
    /// Whether the replicas must also have the write `fsync`ed to their append-only file (`WAITAOF`, Redis 7.2+
    /// with `appendonly yes` on the replicas); an older server answers every confirmed write with an error reply.
    public let appendOnlyFile: Bool

    /// Creates a confirmation.
    ///
    /// - Throws: ``RedisError/invalidConfiguration(_:)`` when `replicas` or `timeout` is out of range.
    public init(replicas: Int, timeout: Duration = .seconds(1), appendOnlyFile: Bool = false) throws(RedisError) {
        guard (1...Self.maxReplicas).contains(replicas) else {
            throw .invalidConfiguration("replica confirmation needs 1 to \(Self.maxReplicas) replicas, got \(replicas)")
        }
        guard timeout >= .milliseconds(1), timeout <= Self.maxTimeout else {
            throw .invalidConfiguration("replica confirmation timeout must be 1 ms to \(Self.maxTimeout), got \(timeout)")
        }
        self.replicas = replicas
        self.timeout = timeout
        self.appendOnlyFile = appendOnlyFile
    }

    /// The URL query parameters that give this confirmation (see ``RedisConfiguration/init(url:)``).
    var queryItems: [(String, String)] {
        [("wait_replicas", String(replicas)), ("wait_timeout_ms", String(timeout.wholeMilliseconds))]
            + (appendOnlyFile ? [("wait_aof", "true")] : [])
    }

    /// The `WAIT` or `WAITAOF` command sent after the write.
    var command: RedisCommand {
        let milliseconds = String(timeout.wholeMilliseconds)
        return appendOnlyFile
            ? RedisCommand("WAITAOF", "0", String(replicas), milliseconds)
            : RedisCommand("WAIT", String(replicas), milliseconds)
    }

    /// Checks the reply of ``command`` sent to `endpoint`.
    /// - Throws: ``RedisError/notReplicated(endpoint:replicas:required:)`` when too few replicas confirmed, the
    ///   server's error for an error reply, ``RedisError/protocolError(_:)`` for a reply of another shape.
    func check(_ reply: Result<RedisValue, RedisError>, endpoint: String) throws(RedisError) {
        let value = try reply.get()
        let confirmed: Int64?
        if appendOnlyFile {
            confirmed = value.array.flatMap { $0.count == 2 ? $0[1].int : nil }
        } else {
            confirmed = value.int
        }
        guard let confirmed, confirmed >= 0 else {
            throw .protocolError("\(appendOnlyFile ? "WAITAOF" : "WAIT") answered \(value)")
        }
        guard confirmed >= replicas else {
            throw .notReplicated(endpoint: endpoint, replicas: Int(clamping: confirmed), required: replicas)
        }
    }
}
