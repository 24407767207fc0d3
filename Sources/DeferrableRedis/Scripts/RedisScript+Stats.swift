extension RedisScript {
    /// Exact counts as of now, read-only: due delayed jobs and lapsed leases count as available.
    /// Wake-up markers in the ready list and inbox are not jobs and are not counted.
    /// KEYS: ready, delayed, inflight, errors, inbox, markers. Returns {available, inFlight, delayed, errors}.
    static let stats = RedisScript(
        name: "deferrable.stats",
        source: timePrelude + """
            local now = now_ms()
            local dueDelayed = redis.call('ZCOUNT', KEYS[2], '-inf', now)
            local lapsed = redis.call('ZCOUNT', KEYS[3], '-inf', now)
            return {
                math.max(0, redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[5])
                    - tonumber(redis.call('GET', KEYS[6]) or '0')) + dueDelayed + lapsed,
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
