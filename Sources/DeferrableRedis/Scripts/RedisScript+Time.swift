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
    /// into the inbox), so a job made runnable wakes one of them by being pushed; a delayed job cannot, so when the
    /// next due time becomes earlier the script pushes a wake-up marker (an empty element, counted in `markers`) and
    /// the consumer it wakes recomputes its wait from the new next due time. At most one marker is outstanding: it
    /// stays in the lists until a consumer that found nothing else sees it (see ``settleAndPop``).
    ///
    /// `push_marker(ready, markers)` pushes a marker unless one is outstanding and returns 1 if it pushed one, else 0.
    static let wakePrelude = """
        local function next_due(delayed)
            local first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
            return tonumber(first[2]) or false
        end
        local function push_marker(ready, markers)
            if redis.call('EXISTS', markers) == 1 then return 0 end
            redis.call('LPUSH', ready, '')
            redis.call('SET', markers, 1)
            return 1
        end
        local function wake_if_sooner(delayed, ready, markers, before)
            local after = next_due(delayed)
            if after and (not before or after < before) then push_marker(ready, markers) end
        end

        """
}
