import DeferrableRedis

/// The transaction the Redis backend sends for one job runnable at once, without any envelope: `MULTI`, `LPUSH` of
/// an id, `HSET` of a 290-byte payload under a new id (the size of a bench envelope), `RPUSH` of a wake-up token, `EXEC`, as one
/// pipelined round trip. It is the floor under `enqueue-single`.
struct BarePushTransaction: Sendable {
    private let ready: [UInt8]
    private let jobs: [UInt8]
    private let signal: [UInt8]
    private let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 290)
    private let counter = TicketCounter()

    /// A transaction writing keys under `key`.
    init(key: String) {
        ready = Array((key + ":{tx}:ready").utf8)
        jobs = Array((key + ":{tx}:jobs").utf8)
        signal = Array((key + ":{tx}:signal").utf8)
    }

    /// Sends the transaction once and checks every reply.
    func send(on client: RedisClient) async throws {
        // A new id each time, as for real jobs: the hash grows as the backend's does.
        let hex = String(counter.take(), radix: 16)
        let id = Array(("00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex).utf8)
        let replies = try await client.pipeline([
            RedisCommand("MULTI"), RedisCommand("LPUSH", [ready, id]), RedisCommand("HSET", [jobs, id, payload]),
            RedisCommand("RPUSH", [signal, [UInt8(ascii: "1")]]), RedisCommand("EXEC"),
        ])
        for reply in replies { _ = try reply.get() }
    }

    /// Deletes the keys written.
    func clean(on client: RedisClient) async throws {
        _ = try await client.send(RedisCommand("DEL", [ready, jobs, signal]))
    }
}
