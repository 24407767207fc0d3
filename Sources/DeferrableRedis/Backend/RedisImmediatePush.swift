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

    /// Writes one transaction pushing `jobs` (at most 256 wake-up tokens, like the push script) into `writer`:
    /// ``commandCount`` commands.
    static func write(_ jobs: some Collection<OutgoingJob>, keys: RedisKeys, into writer: inout RESPWriter) {
        writer.command(arguments: 1)
        writer.bulk("MULTI")
        writer.command(arguments: 2 + jobs.count)
        writer.bulk("LPUSH")
        writer.bulk(keys.ready)
        for job in jobs { writer.bulk(job.id) }
        writer.command(arguments: 2 + jobs.count * 2)
        writer.bulk("HSET")
        writer.bulk(keys.jobs)
        for job in jobs {
            writer.bulk(job.id)
            writer.bulk(job.payload)
        }
        let tokens = min(jobs.count, 256)
        writer.command(arguments: 2 + tokens)
        writer.bulk("RPUSH")
        writer.bulk(keys.signal)
        for _ in 0..<tokens { writer.bulk("1") }
        writer.command(arguments: 1)
        writer.bulk("EXEC")
    }

    /// Bytes to reserve for the transactions of `jobs`.
    static func estimatedSize(_ jobs: some Collection<OutgoingJob>, keys: RedisKeys) -> Int {
        jobs.reduce(256 + keys.ready.utf8.count + keys.jobs.utf8.count + keys.signal.utf8.count) {
            $0 + $1.payload.count + $1.id.utf8.count * 2 + 32
        }
    }

    /// Pushes `chunks`, one transaction each, all in one pipeline (one round trip).
    static func push(_ chunks: [ArraySlice<OutgoingJob>], keys: RedisKeys, client: RedisClient) async throws {
        var writer = RESPWriter(capacity: chunks.reduce(0) { $0 + estimatedSize($1, keys: keys) })
        for chunk in chunks {
            write(chunk, keys: keys, into: &writer)
        }
        let jobCount = chunks.reduce(0) { $0 + $1.count }
        let replies = try await client.pipeline(
            encoded: writer.buffer, count: chunks.count * commandCount, operation: "push of \(jobCount) jobs")
        for start in stride(from: 0, to: replies.count, by: commandCount) {
            try check(replies[start..<start + commandCount])
        }
    }

    /// Number of commands of one transaction.
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
