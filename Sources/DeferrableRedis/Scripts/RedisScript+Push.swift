extension RedisScript {
    /// `store_by_id(id, payload, delay, now)`: stores a job's payload under its id (KEYS[1], jobs) and makes it ready
    /// (KEYS[2]) or delayed by `delay` ms (KEYS[3]).
    static let storeByIDPrelude = """
        local function store_by_id(id, payload, delay, now)
            -- The id goes in first: if a key has the wrong type the script stops before storing a payload
            -- that nothing points to (pop skips ids without a payload).
            if delay > 0 then
                redis.call('ZADD', KEYS[3], now + delay, id)
            else
                redis.call('LPUSH', KEYS[2], id)
            end
            redis.call('HSET', KEYS[1], id, payload)
        end

        """

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
        source: timePrelude + wakePrelude + storeByIDPrelude + """
            local now = now_ms()
            local due = next_due(KEYS[3])
            for i = 1, #ARGV, 3 do
                store_by_id(ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), now)
            end
            wake_if_sooner(KEYS[3], KEYS[2], KEYS[4], due)
            return now
            """
    )

    /// Pushes jobs by id, as ``push`` does, each only if its id is free: no job with it is stored (ready by id,
    /// delayed or in flight: the ready list holds inline jobs only for pushes with generated ids) and no hold on it
    /// lasts. A pushed id is held for the hold time, if any; lapsed holds are dropped first.
    ///
    /// KEYS: jobs, ready, delayed, markers, holds. ARGV: hold in ms (0: none), then triples of id, payload, delay in ms.
    /// Returns one integer per job: 1 pushed, 0 not.
    static let pushIfAbsent = RedisScript(
        name: "deferrable.pushIfAbsent",
        source: timePrelude + wakePrelude + storeByIDPrelude + """
            local now = now_ms()
            local due = next_due(KEYS[3])
            local hold = tonumber(ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
            local pushed = {}
            for i = 2, #ARGV, 3 do
                local id = ARGV[i]
                if redis.call('HEXISTS', KEYS[1], id) == 1 or redis.call('ZSCORE', KEYS[5], id) then
                    pushed[#pushed + 1] = 0
                else
                    store_by_id(id, ARGV[i + 1], tonumber(ARGV[i + 2]), now)
                    if hold > 0 then redis.call('ZADD', KEYS[5], now + hold, id) end
                    pushed[#pushed + 1] = 1
                end
            end
            wake_if_sooner(KEYS[3], KEYS[2], KEYS[4], due)
            return pushed
            """
    )
}
