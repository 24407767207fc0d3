extension RedisScript {
    /// Takes up to one runnable job per lease token and records their leases, in one atomic step.
    ///
    /// Before looking for jobs it reclaims jobs whose lease lapsed (back of the ready list, reclaim count
    /// increased) and promotes due delayed jobs. KEYS: jobs, ready, delayed, inflight, leases, reclaims,
    /// signal. ARGV: one pair of lease ms and lease token per wanted job (the n-th job taken gets the n-th pair).
    ///
    /// Returns `{now, wake, id1, payload1, reclaims1, id2, ...}`: one triple per job taken, in pair order.
    /// `wake` is -1 when every wanted job was taken; otherwise the number of ms until the next delayed job is due
    /// or lease lapses (-1 if none).
    static let pop = RedisScript(
        name: "deferrable.pop",
        source: timePrelude + """
            local jobs, ready, delayed, inflight, leases, reclaims, signal =
                KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
            local now = now_ms()
            local lapsed = redis.call('ZRANGEBYSCORE', inflight, '-inf', now, 'LIMIT', 0, 100)
            for _, id in ipairs(lapsed) do
                redis.call('ZREM', inflight, id)
                redis.call('HDEL', leases, id)
                if redis.call('HEXISTS', jobs, id) == 1 then
                    redis.call('HINCRBY', reclaims, id, 1)
                    redis.call('LPUSH', ready, id)
                end
            end
            local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 500)
            if #due > 0 then
                redis.call('ZREM', delayed, unpack(due))
                redis.call('LPUSH', ready, unpack(due))
            end
            local wanted = math.floor(#ARGV / 2)
            local out = {now, -1}
            local taken = 0
            while taken < wanted do
                local id = redis.call('RPOP', ready)
                if not id then break end
                local payload = redis.call('HGET', jobs, id)
                if payload and redis.call('HEXISTS', leases, id) == 0 then
                    redis.call('ZADD', inflight, now + tonumber(ARGV[2 * taken + 1]), id)
                    redis.call('HSET', leases, id, ARGV[2 * taken + 2])
                    taken = taken + 1
                    out[#out + 1] = id
                    out[#out + 1] = payload
                    out[#out + 1] = tonumber(redis.call('HGET', reclaims, id) or '0')
                end
            end
            if taken == wanted then
                local left = redis.call('LLEN', ready)
                if redis.call('LLEN', signal) > left then
                    if left == 0 then redis.call('DEL', signal) else redis.call('LTRIM', signal, 0, left - 1) end
                end
                return out
            end
            redis.call('DEL', signal)
            local wake = -1
            local nextDue = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
            if #nextDue > 0 then wake = math.max(0, tonumber(nextDue[2]) - now) end
            local nextLapse = redis.call('ZRANGE', inflight, 0, 0, 'WITHSCORES')
            if #nextLapse > 0 then
                local w = math.max(0, tonumber(nextLapse[2]) - now)
                if wake < 0 or w < wake then wake = w end
            end
            out[2] = wake
            return out
            """
    )
}
