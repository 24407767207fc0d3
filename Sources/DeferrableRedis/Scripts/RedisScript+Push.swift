extension RedisScript {
    /// Pushes jobs by id: stores each payload and makes it ready or delayed. A delayed job due before every other
    /// wakes an idle consumer (``wakePrelude``); a ready one wakes it by being pushed.
    ///
    /// Jobs runnable at once usually go in without this script, as one `LPUSH` of inline elements
    /// (``RedisImmediatePush``); this script serves batches with a delayed job.
    ///
    /// KEYS: jobs, ready, delayed, markers. ARGV: triples of id, payload, delay in ms.
    /// Returns the server time in ms.
    static let push = RedisScript(
        name: "deferrable.push",
        source: timePrelude + wakePrelude + """
            local now = now_ms()
            local due = next_due(KEYS[3])
            for i = 1, #ARGV, 3 do
                local id = ARGV[i]
                local delay = tonumber(ARGV[i + 2])
                -- The id goes in first: if a key has the wrong type the script stops before storing a payload
                -- that nothing points to (pop skips ids without a payload).
                if delay > 0 then
                    redis.call('ZADD', KEYS[3], now + delay, id)
                else
                    redis.call('LPUSH', KEYS[2], id)
                end
                redis.call('HSET', KEYS[1], id, ARGV[i + 1])
            end
            wake_if_sooner(KEYS[3], KEYS[2], KEYS[4], due)
            return now
            """
    )
}
