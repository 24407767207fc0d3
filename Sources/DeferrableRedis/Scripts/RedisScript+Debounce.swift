extension RedisScript {
    /// The debounce decision (the rule of `DebounceRule` in the core module), its record and, when the
    /// backend is this Redis, the push itself, in one atomic step on Redis time.
    ///
    /// KEYS: debounce state, jobs, ready, delayed, markers. ARGV: mode (`leading`/`alwaysDelay`/`extend`),
    /// window ms, max wait ms (-1 for none), id, payload, push here (`1`/`0`).
    /// Returns `{action, id, runnableAt, now}` with action `now`, `delayed`, `joined` or `extended`.
    /// With push here `0` nothing but the record is written and the caller performs the push or postpone.
    static let debounce = RedisScript(
        name: "deferrable.debounce",
        source: timePrelude + wakePrelude + """
            local state, jobs, ready, delayed, markers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
            local mode, window, maxWait = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
            local id, payload, pushHere = ARGV[4], ARGV[5], ARGV[6] == '1'
            local now = now_ms()
            local fields = redis.call('HMGET', state, 'at', 'id', 'first')
            local at, pending, first = tonumber(fields[1]), fields[2], tonumber(fields[3])
            local function record(runAt, jobId, burst)
                redis.call('HSET', state, 'at', runAt, 'id', jobId, 'first', burst)
                redis.call('PEXPIRE', state, math.max(runAt - now, 0) + window + 1000)
            end
            local waiting = at ~= nil and at > now
            if waiting and pushHere then
                waiting = redis.call('ZSCORE', delayed, pending) ~= false
            end
            if waiting then
                if mode == 'extend' then
                    local target = now + window
                    if maxWait >= 0 then target = math.min(target, first + maxWait) end
                    if target > at then
                        if pushHere then redis.call('ZADD', delayed, 'XX', target, pending) end
                        record(target, pending, first)
                        return {'extended', pending, target, now}
                    end
                end
                return {'joined', pending, at, now}
            end
            local runAt
            if mode == 'leading' then
                if at == nil or now - at >= window then runAt = now else runAt = at + window end
            else
                runAt = now + window
                if at ~= nil and at + window > runAt then runAt = at + window end
            end
            record(runAt, id, now)
            if pushHere then
                redis.call('HSET', jobs, id, payload)
                if runAt > now then
                    local due = next_due(delayed)
                    redis.call('ZADD', delayed, runAt, id)
                    wake_if_sooner(delayed, ready, markers, due)
                else
                    redis.call('LPUSH', ready, id)
                end
            end
            if runAt > now then return {'delayed', id, runAt, now} end
            return {'now', id, runAt, now}
            """
    )

    /// Moves a delayed job's due time. KEYS: delayed, ready, markers. ARGV: id, delay ms. Returns 1, or 0 when
    /// the job is not delayed.
    static let postpone = RedisScript(
        name: "deferrable.postpone",
        source: timePrelude + wakePrelude + """
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            local due = next_due(KEYS[1])
            redis.call('ZADD', KEYS[1], now_ms() + tonumber(ARGV[2]), ARGV[1])
            wake_if_sooner(KEYS[1], KEYS[2], KEYS[3], due)
            return 1
            """
    )

    /// Deletes a debounce record if it still names job `id` (rollback after a failed second step; a newer
    /// record of another producer is left alone). KEYS: debounce state. ARGV: id. Returns 1 or 0.
    static let releaseDebounce = RedisScript(
        name: "deferrable.releaseDebounce",
        source: """
            if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])
            """
    )
}
