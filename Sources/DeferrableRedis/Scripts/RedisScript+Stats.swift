extension RedisScript {
    /// Exact counts as of now, read-only: due delayed jobs and lapsed leases count as available.
    /// KEYS: ready, delayed, inflight, errors. Returns {available, inFlight, delayed, errors}.
    static let stats = RedisScript(
        name: "deferrable.stats",
        source: timePrelude + """
            local now = now_ms()
            local dueDelayed = redis.call('ZCOUNT', KEYS[2], '-inf', now)
            local lapsed = redis.call('ZCOUNT', KEYS[3], '-inf', now)
            return {
                redis.call('LLEN', KEYS[1]) + dueDelayed + lapsed,
                redis.call('ZCARD', KEYS[3]) - lapsed,
                redis.call('ZCARD', KEYS[2]) - dueDelayed,
                redis.call('ZCARD', KEYS[4])
            }
            """
    )

    /// Deletes every job key of a group (ready, delayed, in flight and their records); the error queue stays.
    /// KEYS: the job keys. Returns the number of keys deleted.
    static let flush = RedisScript(
        name: "deferrable.flush",
        source: """
            return redis.call('DEL', unpack(KEYS))
            """
    )
}
