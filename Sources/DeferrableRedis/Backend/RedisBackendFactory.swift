import Deferrable
import Logging

/// Makes Redis backends. One factory owns one ``RedisClient`` (a few pipelined connections plus a pool of
/// connections for blocking waits) shared by every group it makes, and one pub/sub connection, opened at the first
/// wait for a job's result, that serves every result waiter of every group.
///
/// ```swift
/// let factory = try RedisBackendFactory(url: "redis://127.0.0.1:6379")
/// let deferrable = try Deferrable(factory: factory, group: "emails")
/// ```
public final class RedisBackendFactory: ConnectedBackendFactory {
    /// The client every backend of this factory uses.
    public let client: RedisClient
    /// Backend settings.
    public let settings: RedisBackendSettings
    private let tokens = LeaseTokens()
    /// The one pub/sub subscription every result waiter of every group of this factory shares.
    private let resultSubscription: RedisResultSubscription

    /// Creates a factory that connects with `configuration` (lazily, on first use).
    public init(
        configuration: RedisConfiguration,
        settings: RedisBackendSettings = RedisBackendSettings(),
        logger: Logger = Logger(label: "deferrable.redis")
    ) {
        self.client = RedisClient(configuration: configuration, logger: logger)
        self.settings = settings
        self.resultSubscription = RedisResultSubscription(client: client)
    }

    /// Creates a factory over an existing client.
    public init(client: RedisClient, settings: RedisBackendSettings = RedisBackendSettings()) {
        self.client = client
        self.settings = settings
        self.resultSubscription = RedisResultSubscription(client: client)
    }

    /// Creates a factory from a Redis URL: `redis://[[user]:password@]host[:port][/db]`, `rediss://…` (TLS) or
    /// `unix:///path`.
    /// - Throws: ``RedisError/invalidURL(_:)`` for a URL that cannot be parsed (see ``RedisConfiguration/init(url:)``).
    public convenience init(url: String, settings: RedisBackendSettings = RedisBackendSettings()) throws {
        self.init(configuration: try RedisConfiguration(url: url), settings: settings)
    }

    /// The backend of `group` (no I/O: connections open on first use).
    public func makeBackend(group: String) throws -> any Backend {
        try GroupName.validate(group)
        let keys = RedisKeys(prefix: settings.keyPrefix, group: group)
        let registration = GroupRegistration()
        let queue = RedisJobQueue(
            client: client, keys: keys, group: group, settings: settings, tokens: tokens,
            groupRegistration: registration, batching: RedisQueueBatching(client: client, keys: keys, settings: settings),
            wakeAlarm: RedisWakeAlarm(client: client, keys: keys))
        return RedisBackend(
            group: group, queue: queue, errorQueue: RedisErrorQueue(client: client, keys: keys),
            results: RedisResultStore(client: client, keys: keys, subscription: resultSubscription),
            statistics: RedisStatisticsStore(client: client, keys: keys, group: group),
            workers: RedisWorkerDirectory(client: client, keys: keys, group: group, registration: registration),
            inspector: RedisQueueInspector(client: client, keys: keys))
    }

    /// Names of the groups registered under this factory's key prefix, sorted.
    ///
    /// A group is registered in the background after its first push or worker heartbeat, best effort: a producer
    /// whose ACL cannot write `<prefix>:groups` (or a cluster where that key lives on another node) never registers
    /// its groups, and a group pushed to a moment ago may not be listed yet.
    public func knownGroups() async throws -> [String] {
        let reply = try await client.send(RedisCommand("SMEMBERS", "\(settings.keyPrefix):groups"))
        return (reply.array ?? []).compactMap(\.string).sorted()
    }

    /// Closes the client's connections and the result subscription (result waits then throw
    /// ``RedisError/clientClosed``).
    public func close() async {
        await resultSubscription.close()
        await client.close()
    }
}

/// A group's Redis queues and result store.
struct RedisBackend: Backend {
    let group: String
    let queue: any JobQueue
    let errorQueue: any ErrorQueue
    let results: (any ResultStore)?
    let statistics: (any TaskStatisticsStore)?
    let workers: (any WorkerDirectory)?
    let inspector: (any QueueInspector)?
}
