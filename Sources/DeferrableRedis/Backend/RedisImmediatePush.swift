import Deferrable

/// Pushes jobs that are runnable at once with plain commands in one `MULTI`/`EXEC` transaction instead of the push
/// script: `LPUSH ready ids…`, `HSET jobs id payload…`, `RPUSH signal 1…`.
///
/// The transaction is atomic for other clients (a consumer never sees an id without its payload) and costs Redis far
/// less than a script call (no Lua, one command per key for the whole batch). The push script remains for batches
/// with a delayed job, which need the server's clock.
enum RedisImmediatePush {
    /// Whether `jobs` can take this path: none is delayed.
    static func applies(to jobs: some Collection<OutgoingJob>) -> Bool {
        jobs.allSatisfy { $0.delay <= .zero }
    }

    /// The commands of one transaction pushing `jobs` (at most 256 wake-up tokens, like the push script).
    static func commands(_ jobs: some Collection<OutgoingJob>, keys: RedisKeys) -> [RedisCommand] {
        var ids: [[UInt8]] = [Array(keys.ready.utf8)]
        ids.reserveCapacity(jobs.count + 1)
        var fields: [[UInt8]] = [Array(keys.jobs.utf8)]
        fields.reserveCapacity(jobs.count * 2 + 1)
        for job in jobs {
            let id = Array(job.id.utf8)
            ids.append(id)
            fields.append(id)
            fields.append(job.payload)
        }
        var tokens: [[UInt8]] = [Array(keys.signal.utf8)]
        tokens.append(contentsOf: repeatElement([UInt8(ascii: "1")], count: min(jobs.count, 256)))
        return [
            RedisCommand("MULTI"), RedisCommand("LPUSH", ids), RedisCommand("HSET", fields),
            RedisCommand("RPUSH", tokens), RedisCommand("EXEC"),
        ]
    }

    /// Number of commands ``commands(_:keys:)`` returns.
    static let commandCount = 5

    /// Checks the replies of one transaction (as returned by a pipeline): every command queued and ran.
    ///
    /// - Throws: ``RedisError/server(message:)`` with the first error Redis reported.
    static func check(_ replies: some BidirectionalCollection<Result<RedisValue, RedisError>>) throws {
        guard replies.count == commandCount, let exec = replies.last else {
            throw RedisError.protocolError("push transaction returned \(replies.count) replies")
        }
        for reply in replies.dropLast() {
            _ = try reply.get()
        }
        guard case .array(let results) = try exec.get() else {
            throw RedisError.protocolError("push transaction was not executed")
        }
        for result in results {
            if case .error(let message) = result {
                throw RedisError.server(message: message)
            }
        }
    }
}
