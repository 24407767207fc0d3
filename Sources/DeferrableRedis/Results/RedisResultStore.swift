import Deferrable

/// The result store of a group on Redis: records under `P:{G}:result:<id>` written by the settle script, counted in
/// `P:{G}:results`, and waited for through the factory's one pub/sub subscription (``RedisResultSubscription``).
///
/// - ``lookup(id:)`` is one script call: pending while the job is in the jobs hash (queued by id, delayed, in flight,
///   or requeued from the error queue), else its record, else unknown.
/// - ``wait(for:upTo:)`` registers the waiter and makes sure the group's channel is subscribed before it looks, so a
///   record written in between is never missed; it looks again when the job's id is published and after the
///   subscription reconnects. While Redis cannot be reached it retries with the reconnect backoff until the
///   deadline, then throws the last ``RedisError``. Cancelling the task ends the wait with `CancellationError`.
struct RedisResultStore: ResultStore {
    let client: RedisClient
    let keys: RedisKeys
    let subscription: RedisResultSubscription

    func lookup(id: String) async throws -> ResultLookup {
        let reply = try await client.evalScript(.resultLookup, keys: [keys.result(id), keys.jobs], args: [id])
        guard let parts = reply.array, let kind = parts.first?.int else {
            throw RedisError.protocolError("resultLookup script returned \(reply)")
        }
        switch kind {
        case 0: return .unknown
        case 2: return .pending
        case 1 where parts.count == 2:
            guard let record = parts[1].bytes else { break }
            return .finished(record)
        default: break
        }
        throw RedisError.protocolError("resultLookup script returned \(reply)")
    }

    func count() async throws -> Int {
        let reply = try await client.evalScript(.resultCount, keys: [keys.results])
        guard let count = reply.int else { throw RedisError.protocolError("resultCount script returned \(reply)") }
        return Int(clamping: max(0, count))
    }

    func wait(for id: String, upTo timeout: Duration) async throws -> ResultLookup {
        guard timeout > .zero else { return try await lookup(id: id) }
        let deadline = ContinuousClock.now + timeout
        let waiter = subscription.register(channel: keys.resultChannel, id: id)
        defer { subscription.unregister(waiter) }
        var failures = 0
        while true {
            try Task.checkCancellation()
            do {
                try await subscription.subscribe(to: keys.resultChannel)
                let found = try await lookup(id: id)
                failures = 0
                guard found == .pending else { return found }
                switch await waiter.next(until: deadline) {
                case .cancelled:
                    throw CancellationError()
                case .deadline:
                    return try await lookup(id: id)
                case .published(let record?):
                    return .finished(record)
                case .published(nil), .resubscribe:
                    continue
                }
            } catch let error as RedisError where Self.isConnectionFailure(error) {
                // Redis is unreachable: try again after the backoff, until the deadline.
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { throw error }
                failures += 1
                try await Task.sleep(for: min(RedisReconnectBackoff.delay(afterFailures: failures), remaining))
            }
        }
    }

    /// Whether `error` says Redis could not be reached or the connection broke (worth retrying), rather than a refusal.
    private static func isConnectionFailure(_ error: RedisError) -> Bool {
        switch error {
        case .cannotConnect, .connectionLost, .timedOut, .tlsFailed: true
        default: false
        }
    }
}
