extension RedisScript {
    /// Lua prelude shared by every script: `now_ms()` reads the Redis server clock in milliseconds, so due
    /// times and leases agree across consumers whatever their own clocks say.
    static let timePrelude = """
        local function now_ms()
            local t = redis.call('TIME')
            return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        """

    /// Lua helpers shared by scripts that delay jobs. Idle consumers block on the ready list itself (`BRPOPLPUSH`
    /// into the inbox), so a job made runnable wakes one of them by being pushed; a delayed job cannot, so when it
    /// becomes the next one due the script pushes a wake-up marker (an empty element, counted in `markers`) and the
    /// consumer it wakes recomputes its wait. At most one marker is outstanding: one wakes a consumer that rereads
    /// the whole delayed set.
    static let wakePrelude = """
        local function delayed_head(delayed)
            return redis.call('ZRANGE', delayed, 0, 0)[1] or false
        end
        local function wake_if_new_head(delayed, ready, markers, before)
            if delayed_head(delayed) ~= before and redis.call('EXISTS', markers) == 0 then
                redis.call('LPUSH', ready, '')
                redis.call('SET', markers, 1)
            end
        end

        """
}
