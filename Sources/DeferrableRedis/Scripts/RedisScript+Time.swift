extension RedisScript {
    /// Lua prelude shared by every script: `now_ms()` reads the Redis server clock in milliseconds, so due
    /// times and leases agree across consumers whatever their own clocks say.
    static let timePrelude = """
        local function now_ms()
            local t = redis.call('TIME')
            return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        """

    /// Lua helper shared by scripts that make jobs runnable: one wake-up token per job for consumers blocked
    /// on the signal list.
    static let signalPrelude = """
        local function signal(key, count)
            if count > 0 then
                local tokens = {}
                for i = 1, math.min(count, 256) do tokens[i] = '1' end
                redis.call('RPUSH', key, unpack(tokens))
            end
        end

        """
}
