import DeferrableRedis

/// The command the Redis backend sends for one job runnable at once, without any envelope: one `LPUSH` of an inline
/// element (`NUL`, a new id, `NUL`, a 290-byte payload: the size of a bench envelope). It is the floor under
/// `enqueue-single`.
struct BarePush: Sendable {
    private let ready: [UInt8]
    private let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 290)
    private let counter = TicketCounter()

    /// A push to a list under `key`.
    init(key: String) {
        ready = Array((key + ":{bare}:ready").utf8)
    }

    /// Sends the push once and checks the reply.
    func send(on client: RedisClient) async throws {
        _ = try await client.send(RedisCommand("LPUSH", next()))
    }

    /// The arguments after `LPUSH` of the next push: the list and an element with a new id, as for real jobs.
    func next() -> [[UInt8]] {
        let hex = String(counter.take(), radix: 16)
        let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return [ready, RedisReadyEntry.inlineElement(id: id, payload: payload)]
    }

    /// Deletes the list written.
    func clean(on client: RedisClient) async throws {
        _ = try await client.send(RedisCommand("DEL", [ready]))
    }
}
