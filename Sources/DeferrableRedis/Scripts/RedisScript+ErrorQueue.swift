extension RedisScript {
    /// Lists error-queue entries oldest first. KEYS: errors, error payloads, error records.
    /// ARGV: offset, limit. Returns a flat array of id, payload, record triples.
    static let listErrors = RedisScript(
        name: "deferrable.listErrors",
        source: """
            local ids = redis.call('ZRANGE', KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
            local out = {}
            for _, id in ipairs(ids) do
                out[#out + 1] = id
                out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
                out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
            end
            return out
            """
    )

    /// Moves an error-queue entry back to the main queue as a new payload.
    /// KEYS: errors, error payloads, error records, jobs, ready. ARGV: id, new id, payload.
    /// Returns 1, or 0 when there is no such entry.
    static let requeueError = RedisScript(
        name: "deferrable.requeueError",
        source: """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
            redis.call('LPUSH', KEYS[5], ARGV[2])
            return 1
            """
    )

    /// Removes one error-queue entry. KEYS: errors, error payloads, error records. ARGV: id. Returns 1 or 0.
    static let removeError = RedisScript(
        name: "deferrable.removeError",
        source: """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            return 1
            """
    )

    /// Deletes the whole error queue. KEYS: errors, error payloads, error records. Returns the entry count.
    static let purgeErrors = RedisScript(
        name: "deferrable.purgeErrors",
        source: """
            local count = redis.call('ZCARD', KEYS[1])
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            return count
            """
    )
}
