extension RedisScript {
    /// Ends leases: each one complete, requeue (retry, reschedule, hand back) or dead-letter, in one atomic step.
    ///
    /// KEYS: jobs, ready, delayed, inflight, leases, reclaims, signal, errors, error payloads, error records.
    /// ARGV: max error entries, max error age ms, then 7 per settlement: id, token, mode
    /// (`complete`/`requeue`/`dead`), payload (empty = keep), has payload (`1`/`0`), delay ms, error record JSON.
    /// Returns one integer per settlement, in order: 1, or 0 when the lease is not held by that token (nothing
    /// changed for that job).
    static let settle = RedisScript(
        name: "deferrable.settle",
        source: timePrelude + signalPrelude + """
            local jobs, ready, delayed, inflight, leases, reclaims, signalKey, errors, errorPayloads, errorRecords =
                KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
            local now = now_ms()
            local results, requeued, dead = {}, 0, 0
            for i = 3, #ARGV, 7 do
                local id, token, mode = ARGV[i], ARGV[i + 1], ARGV[i + 2]
                if redis.call('HGET', leases, id) ~= token then
                    results[#results + 1] = 0
                else
                    results[#results + 1] = 1
                    redis.call('HDEL', leases, id)
                    redis.call('ZREM', inflight, id)
                    if mode == 'complete' then
                        redis.call('HDEL', jobs, id)
                        redis.call('HDEL', reclaims, id)
                    elseif mode == 'requeue' then
                        if ARGV[i + 4] == '1' then
                            redis.call('HSET', jobs, id, ARGV[i + 3])
                            redis.call('HDEL', reclaims, id)
                        end
                        local delay = tonumber(ARGV[i + 5])
                        if delay > 0 then
                            redis.call('ZADD', delayed, now + delay, id)
                        else
                            redis.call('LPUSH', ready, id)
                        end
                        requeued = requeued + 1
                    else
                        redis.call('HDEL', jobs, id)
                        redis.call('HDEL', reclaims, id)
                        redis.call('ZADD', errors, now, id)
                        redis.call('HSET', errorPayloads, id, ARGV[i + 3])
                        redis.call('HSET', errorRecords, id, ARGV[i + 6])
                        dead = dead + 1
                    end
                end
            end
            signal(signalKey, requeued)
            if dead > 0 then
                -- Trim by age, then the oldest past the count limit; at most 2000 entries per call, removed in
                -- slices of 500 so that unpack stays far below Lua's limit (a lowered limit shrinks the queue
                -- over the next dead-letters).
                local old = redis.call('ZRANGEBYSCORE', errors, '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, 1000)
                local excess = math.min(redis.call('ZCARD', errors) - #old - tonumber(ARGV[1]), 1000)
                if excess > 0 then
                    local oldest = redis.call('ZRANGE', errors, #old, #old + excess - 1)
                    for _, victim in ipairs(oldest) do old[#old + 1] = victim end
                end
                for i = 1, #old, 500 do
                    local slice = {unpack(old, i, math.min(i + 499, #old))}
                    redis.call('ZREM', errors, unpack(slice))
                    redis.call('HDEL', errorPayloads, unpack(slice))
                    redis.call('HDEL', errorRecords, unpack(slice))
                end
            end
            return results
            """
    )

    /// Extends a held lease. KEYS: inflight, leases. ARGV: id, token, lease ms. Returns 1, or 0 if not held.
    static let extendLease = RedisScript(
        name: "deferrable.extendLease",
        source: timePrelude + """
            if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
            redis.call('ZADD', KEYS[1], 'XX', now_ms() + tonumber(ARGV[3]), ARGV[1])
            return 1
            """
    )
}
