import DeferrableRedis

/// The Redis key `--job incr` jobs increment, through a client of their own (not the backend's).
struct IncrTarget: Sendable {
    /// The job bodies' client.
    let client: RedisClient
    /// The counter key (deleted at the end of the run).
    let key: String

    /// Increments the key once.
    func increment() async throws {
        _ = try await client.send(RedisCommand("INCR", key))
    }
}
