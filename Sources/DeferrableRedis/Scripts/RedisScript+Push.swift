extension RedisScript {
    /// Pushes jobs: stores each payload and makes it ready or delayed, then wakes idle consumers.
    ///
    /// KEYS: jobs, ready, delayed, signal. ARGV: triples of id, payload, delay in ms.
    /// Returns the server time in ms.
    static let push = RedisScript(
        name: "deferrable.push",
        source: timePrelude + signalPrelude + """
            local now = now_ms()
            local woken = 0
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
                woken = woken + 1
            end
            signal(KEYS[4], woken)
            return now
            """
    )
}
