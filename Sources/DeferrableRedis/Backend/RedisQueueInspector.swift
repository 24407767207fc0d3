import Deferrable

/// The ``QueueInspector`` of a group on Redis: one read-only script call per look, so a job is never seen twice or
/// missed while a consumer moves it between the ready list and the inbox. Runnable jobs are listed in the order
/// consumers take them (the inbox, the ready list, then lapsed leases and due delayed jobs, which the next pop moves
/// to the ready list), and the queue latency is measured by the Redis server clock.
struct RedisQueueInspector: QueueInspector {
    /// The most jobs one ``peekReady(offset:limit:)`` lists.
    static let maxPeek = 1000
    /// The largest offset passed to the script (Lua numbers past 2^53 lose precision).
    static let maxOffset = 1 << 40

    let client: RedisClient
    let keys: RedisKeys

    private var scriptKeys: [String] { [keys.inbox, keys.ready, keys.inflight, keys.delayed, keys.jobs] }

    func peekReady(offset: Int, limit: Int) async throws -> [PeekedJob] {
        let limit = min(max(limit, 0), Self.maxPeek)
        guard limit > 0 else { return [] }
        let offset = min(max(offset, 0), Self.maxOffset)
        let reply = try await client.evalScript(.peekReady, keys: scriptKeys, args: [String(offset), String(limit)])
        guard let fields = reply.array, fields.count % 2 == 0 else {
            throw RedisError.protocolError("peekReady script returned \(reply)")
        }
        return stride(from: 0, to: fields.count, by: 2).compactMap { Self.job(element: fields[$0], payload: fields[$0 + 1]) }
    }

    func oldestRunnableAge() async throws -> Duration? {
        let reply = try await client.evalScript(.oldestRunnable, keys: scriptKeys)
        guard let fields = reply.array, fields.count == 5, let now = fields[0].int else {
            throw RedisError.protocolError("oldestRunnable script returned \(reply)")
        }
        // The next job is runnable from its due time if it was delayed, else from its last push; one whose payload is
        // not an envelope is runnable, since an unknown time: counted as from now.
        let next = Self.job(element: fields[1], payload: fields[2]).map { $0.envelope.map { $0.notBefore ?? $0.lastPushedAt } ?? now }
        guard let since = [next, fields[3].int, fields[4].int].compactMap({ $0 }).min() else { return nil }
        return .milliseconds(max(0, now.subtractingSaturated(since)))
    }

    /// The job of one pair the inspection scripts return: an id and its envelope, or an inline element (an element
    /// without a readable id is listed with an empty id; the next pop sends it to the error queue).
    private static func job(element: RedisValue, payload: RedisValue) -> PeekedJob? {
        guard let element = element.bytes else { return nil }
        if let payload = payload.bytes { return PeekedJob(id: String(decoding: element, as: UTF8.self), payload: payload) }
        switch RedisReadyEntry(element) {
        case .inline(let id, let payload): return PeekedJob(id: id, payload: payload)
        case .malformed(let bytes): return PeekedJob(id: "", payload: bytes)
        case .id, .wakeMarker: return nil
        }
    }
}
