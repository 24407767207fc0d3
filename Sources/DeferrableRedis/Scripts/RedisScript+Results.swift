extension RedisScript {
    /// What is known about one job's result, in one atomic step: pending while the job is queued (a job requeued from
    /// the error queue is pending again, whatever its earlier record says), else its stored record.
    ///
    /// KEYS: the job's result key, jobs. ARGV: the job id.
    /// Returns `{2}` for a job in the jobs hash (ready by id, delayed, in flight or waiting for a retry), `{1, record}`
    /// for a stored record, `{0}` otherwise.
    static let resultLookup = RedisScript(
        name: "deferrable.resultLookup",
        source: """
            if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return {2} end
            local record = redis.call('GET', KEYS[1])
            if record then return {1, record} end
            return {0}
            """
    )

    /// Counts the stored results whose expiry is still ahead (server time). KEYS: results index. Returns the count.
    static let resultCount = RedisScript(
        name: "deferrable.resultCount",
        source: timePrelude + """
            return redis.call('ZCOUNT', KEYS[1], '(' .. now_ms(), '+inf')
            """
    )

    /// Deletes up to 500 stored results and their index members, oldest expiry first.
    ///
    /// KEYS: results index. ARGV: result key prefix. Returns how many ids it took from the index (fewer than 500
    /// when the index is now empty).
    static let flushResults = RedisScript(
        name: "deferrable.flushResults",
        source: """
            local ids = redis.call('ZRANGE', KEYS[1], 0, 499)
            if #ids == 0 then return 0 end
            local keys = {}
            for i, id in ipairs(ids) do keys[i] = ARGV[1] .. id end
            redis.call('DEL', unpack(keys))
            redis.call('ZREM', KEYS[1], unpack(ids))
            return #ids
            """
    )
}
