extension RedisScript {
    /// Writes one worker's heartbeat, in one atomic step: drops the ids whose heartbeat expired from the index,
    /// `SET <prefix><id> <heartbeat> PX <ms>`, the id in the index with its expiry (server time), then trims the index to
    /// the most workers kept (the earliest expiries go, with their heartbeats); the index expires with its latest member.
    ///
    /// KEYS: workers index. ARGV: id, heartbeat JSON, expires after ms, most workers kept, heartbeat key prefix. The
    /// heartbeat key is built from the prefix (it carries the group's hash tag). Returns 1.
    static let workerBeat = RedisScript(
        name: "deferrable.workerBeat",
        source: timePrelude + """
            local index, id, prefix = KEYS[1], ARGV[1], ARGV[5]
            local now = now_ms()
            redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
            redis.call('SET', prefix .. id, ARGV[2], 'PX', ARGV[3])
            redis.call('ZADD', index, now + tonumber(ARGV[3]), id)
            local over = redis.call('ZCARD', index) - tonumber(ARGV[4])
            if over > 0 then
                for _, dropped in ipairs(redis.call('ZRANGE', index, 0, over - 1)) do
                    redis.call('DEL', prefix .. dropped)
                end
                redis.call('ZREMRANGEBYRANK', index, 0, over - 1)
            end
            local latest = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
            redis.call('PEXPIREAT', index, latest[2])
            return 1
            """
    )

    /// Removes one worker's heartbeat and its index member. KEYS: workers index. ARGV: id, heartbeat key prefix.
    /// Returns 1 if the worker was listed, else 0.
    static let workerRemove = RedisScript(
        name: "deferrable.workerRemove",
        source: """
            redis.call('DEL', ARGV[2] .. ARGV[1])
            return redis.call('ZREM', KEYS[1], ARGV[1])
            """
    )

    /// The heartbeats whose expiry is still ahead (server time), read-only. KEYS: workers index. ARGV: heartbeat key
    /// prefix, most listed. Returns the heartbeat JSON strings (`nil` for one that expired a moment ago).
    static let workerList = RedisScript(
        name: "deferrable.workerList",
        source: timePrelude + """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now_ms(), '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
            if #ids == 0 then return {} end
            local keys = {}
            for i, id in ipairs(ids) do keys[i] = ARGV[1] .. id end
            return redis.call('MGET', unpack(keys))
            """
    )
}
