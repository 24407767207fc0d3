extension RedisScript {
    /// Lua helpers of the read-only inspection scripts. Runnable jobs, in the order consumers take them: the inbox
    /// from its tail, the ready list from its tail, then jobs whose lease lapsed (by deadline) and due delayed jobs (by
    /// due time), which the next pop moves to the ready list in that order. Wake-up markers are not jobs and are
    /// skipped.
    ///
    /// `entry(element, byID)` returns the pair a script returns for one element: `{id, envelope}` for an id (`byID`, or
    /// an element not starting with `NUL`; `nil` when the jobs hash lacks it) or `{element, false}` for an inline one.
    static let inspectionPrelude = """
        local function entry(jobs, element, byID)
            if byID or string.byte(element, 1) ~= 0 then
                local payload = redis.call('HGET', jobs, element)
                if not payload then return nil end
                return {element, payload}
            end
            return {element, false}
        end

        """

    /// Up to `limit` runnable jobs from position `offset` on, in take order (see ``inspectionPrelude``), read-only.
    ///
    /// KEYS: inbox, ready, inflight, delayed, jobs. ARGV: offset, limit. Returns a flat list of pairs: a job id and its
    /// envelope, or an inline ready-list element and `false`. A job id missing from the jobs hash is left out.
    static let peekReady = RedisScript(
        name: "deferrable.peekReady",
        source: timePrelude + inspectionPrelude + """
            local jobs = KEYS[5]
            local skip, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
            local now = now_ms()
            local out, listed = {}, 0
            local function add(element, byID)
                if listed >= limit or element == '' then return end
                local pair = entry(jobs, element, byID)
                if not pair then return end
                out[#out + 1] = pair[1]
                out[#out + 1] = pair[2]
                listed = listed + 1
            end
            local function from_list(key)
                if listed >= limit then return end
                local length = redis.call('LLEN', key)
                if skip >= length then
                    skip = skip - length
                    return
                end
                -- One element more than still wanted, for a wake-up marker among them.
                local last = math.min(length - 1, skip + limit - listed)
                local elements = redis.call('LRANGE', key, -(last + 1), -(skip + 1))
                skip = 0
                for i = #elements, 1, -1 do add(elements[i], false) end
            end
            local function from_due(key)
                if listed >= limit then return end
                local count = redis.call('ZCOUNT', key, '-inf', now)
                if skip >= count then
                    skip = skip - count
                    return
                end
                local ids = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', skip, limit - listed)
                skip = 0
                for _, id in ipairs(ids) do add(id, true) end
            end
            from_list(KEYS[1])
            from_list(KEYS[2])
            from_due(KEYS[3])
            from_due(KEYS[4])
            return out
            """
    )

    /// What the queue latency is computed from, read-only: the server time, the next job of the inbox and ready list
    /// (see ``inspectionPrelude``), and the earliest lapsed lease deadline and due time not yet moved to the ready
    /// list.
    ///
    /// KEYS: inbox, ready, inflight, delayed, jobs. Returns `{now, element, payload, lapsedAt, dueAt}`; the last four
    /// are `false` when there is none.
    static let oldestRunnable = RedisScript(
        name: "deferrable.oldestRunnable",
        source: timePrelude + inspectionPrelude + """
            local now = now_ms()
            local head = nil
            for _, key in ipairs({KEYS[1], KEYS[2]}) do
                -- The last two elements: at most one wake-up marker is outstanding.
                local tail = redis.call('LRANGE', key, -2, -1)
                for i = #tail, 1, -1 do
                    if tail[i] ~= '' then
                        head = entry(KEYS[5], tail[i], false)
                        break
                    end
                end
                if head then break end
            end
            local function earliest_due(key)
                local first = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
                return tonumber(first[2]) or false
            end
            head = head or {false, false}
            return {now, head[1], head[2], earliest_due(KEYS[3]), earliest_due(KEYS[4])}
            """
    )
}
