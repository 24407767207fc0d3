import Deferrable

/// Pushes jobs that are runnable at once with one plain command, `LPUSH ready e1 e2 …`, where each element carries the
/// whole job (``RedisReadyEntry/inline(id:payload:)``) instead of going through the push script.
///
/// One command is atomic by itself, costs Redis far less than a script call (no Lua, one list write for the whole
/// batch), and wakes an idle consumer by itself: consumers wait on the ready list. The pop script stores an inline
/// job's envelope under its id when it leases it. The push script remains for batches with a delayed job, which need
/// the server's clock, and for jobs that keep a result.
enum RedisImmediatePush {
    /// Whether `jobs` can take this path: none is delayed, and none keeps a result (such a job is stored by id, so
    /// that a result lookup finds it while it is queued).
    static func applies(to jobs: some Collection<OutgoingJob>) -> Bool {
        jobs.allSatisfy { $0.delay <= .zero && !$0.keepsResult }
    }

    /// Writes the `LPUSH` of `jobs` into `writer`.
    static func write(_ jobs: some Collection<OutgoingJob>, keys: RedisKeys, into writer: inout RESPWriter) {
        writer.command(arguments: 2 + jobs.count)
        writer.bulk("LPUSH")
        writer.bulk(keys.ready)
        for job in jobs {
            RedisReadyEntry.writeInline(id: job.id, payload: job.payload, into: &writer)
        }
    }

    /// Bytes to reserve for the commands of `jobs`.
    static func estimatedSize(_ jobs: some Collection<OutgoingJob>, keys: RedisKeys) -> Int {
        jobs.reduce(64 + keys.ready.utf8.count) {
            $0 + RedisReadyEntry.inlineLength(id: $1.id, payload: $1.payload) + 16
        }
    }

    /// Pushes `chunks`, one `LPUSH` each, all in one pipeline (one round trip).
    static func push(_ chunks: [ArraySlice<OutgoingJob>], keys: RedisKeys, client: RedisClient) async throws {
        var writer = RESPWriter(capacity: chunks.reduce(0) { $0 + estimatedSize($1, keys: keys) })
        for chunk in chunks {
            write(chunk, keys: keys, into: &writer)
        }
        let jobCount = chunks.reduce(0) { $0 + $1.count }
        let replies = try await client.pipeline(
            encoded: writer.buffer, count: chunks.count, operation: "push of \(jobCount) jobs", slot: keys.slot,
            confirmed: true)
        for reply in replies {
            guard case .integer = try reply.get() else {
                throw RedisError.protocolError("LPUSH of a push answered \(reply)")
            }
        }
    }
}
