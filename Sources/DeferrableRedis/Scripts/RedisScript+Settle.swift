extension RedisScript {
    /// Ends a lease: complete, requeue (retry, reschedule, hand back) or dead-letter, in one atomic step.
    ///
    /// KEYS: jobs, ready, delayed, inflight, leases, reclaims, signal, errors, error payloads, error records.
    /// ARGV: id, token, mode (`complete`/`requeue`/`dead`), payload (empty = keep), has payload (`1`/`0`),
    /// delay ms, error record JSON, max error entries, max error age ms.
    /// Returns 1, or 0 when the lease is not held by that token (nothing changed).
    static let settle = RedisScript(
        name: "deferrable.settle",
        source: timePrelude + signalPrelude + """
            local jobs, ready, delayed, inflight, leases, reclaims, signalKey, errors, errorPayloads, errorRecords =
                KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
            local id, token, mode = ARGV[1], ARGV[2], ARGV[3]
            if redis.call('HGET', leases, id) ~= token then return 0 end
            redis.call('HDEL', leases, id)
            redis.call('ZREM', inflight, id)
            local now = now_ms()
            if mode == 'complete' then
                redis.call('HDEL', jobs, id)
                redis.call('HDEL', reclaims, id)
            elseif mode == 'requeue' then
                if ARGV[5] == '1' then
                    redis.call('HSET', jobs, id, ARGV[4])
                    redis.call('HDEL', reclaims, id)
                end
                local delay = tonumber(ARGV[6])
                if delay > 0 then
                    redis.call('ZADD', delayed, now + delay, id)
                else
                    redis.call('LPUSH', ready, id)
                end
                signal(signalKey, 1)
            else
                redis.call('HDEL', jobs, id)
                redis.call('HDEL', reclaims, id)
                redis.call('ZADD', errors, now, id)
                redis.call('HSET', errorPayloads, id, ARGV[4])
                redis.call('HSET', errorRecords, id, ARGV[7])
                -- Trim by age, then the oldest past the count limit; at most 2000 entries per call, removed in
                -- slices of 500 so that unpack stays far below Lua's limit (a lowered limit shrinks the queue
                -- over the next dead-letters).
                local old = redis.call('ZRANGEBYSCORE', errors, '-inf', now - tonumber(ARGV[9]), 'LIMIT', 0, 1000)
                local excess = math.min(redis.call('ZCARD', errors) - #old - tonumber(ARGV[8]), 1000)
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
            return 1
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
