extension RedisScript {
    /// Ends leases and takes new ones, in one atomic step: the settlements first, then the pops.
    ///
    /// A consumer settles a job and asks for the next one at about the same time, so coalesced callers share one
    /// script call for both (see `RedisQueueBatching`).
    ///
    /// KEYS: jobs, ready, delayed, inflight, leases, reclaims, inbox, markers, errors, error payloads, error records,
    /// settled tokens, results index.
    ///
    /// ARGV: max error entries, max error age ms, result key prefix, result channel, statistics key, publish always
    /// (`1` on a Redis Cluster, else `0`), settlement count S, then 13 per settlement: id, token, mode (`complete`/`requeue`/`dead`), payload (empty = keep), has payload
    /// (`1`/`0`), delay ms, error record JSON, result record, result TTL ms (empty = no result), tally name (empty =
    /// count nothing), outcome, run-time bucket, queue-wait bucket (empty = unknown); then one pair of lease ms and
    /// lease token per wanted job (the n-th job taken gets the n-th pair).
    ///
    /// Settling: 1 per settlement, or 0 when the lease is not held by that token (nothing changed for that job).
    /// A dead-lettered job goes to the error queue, which is then trimmed to its limits. Each settled token is kept in
    /// the settled-tokens set until its lease deadline, so that a repeat (a consumer whose reply was lost calls again)
    /// is recognised and answered 1, changing nothing; tokens past their deadline are dropped at each settlement.
    ///
    /// A completion or dead-letter with a result TTL stores its record in the same step: `SET <prefix><id> <record>
    /// PX <ttl>`, the id in the results index (score: expiry ms; up to 500 expired members are trimmed per call, and
    /// the index itself expires with its latest member), and, when a process subscribes to the channel (`PUBSUB
    /// NUMSUB`, asked once per call; on a Redis Cluster, where that count is only the node's own while a message
    /// reaches subscribers on every node, always), `PUBLISH <channel> <id>` for the job's waiters, as
    /// `<id> NUL <record>` when the record is at most 8 KiB so that they need not read it (a dead-letter without a
    /// record publishes too, so that waiters of a job whose envelope was unreadable look again and end at once
    /// instead of at their deadline). The result
    /// key is built from the prefix (it carries the group's hash tag, so it lives in the slot of the declared keys).
    ///
    /// A settlement with a tally counts it in the same step (only when the lease was held, so a repeat counts
    /// nothing; the tallies of one call are summed per key and field first): `HINCRBY <stats> <name> NUL <outcome>`, the name's first and last time, the outcome in the minute,
    /// ten-minute and day buckets `<stats>:m|t|d:<n>` (each expires a retention after its end: 8 h, 3 d, 90 d), and the
    /// run-time and queue-wait buckets in the minute's histogram `<stats>:h:<minute>` (expires
    /// ``TaskStatistics/recentWindowMinutes`` after the minute ends). Statistics keys are built from the statistics key, which carries the group's hash tag.
    ///
    /// Popping (only when a job is wanted): first reclaims jobs whose lease lapsed (back of the ready list, reclaim
    /// count increased) and promotes due delayed jobs; then takes elements (``RedisReadyEntry``) from the inbox
    /// (moved there by a consumer that waited) and then from the ready list: an inline job's envelope is stored
    /// under its id first, a wake-up marker is dropped, and ids with a lease are skipped. Elements that cannot run
    /// leave a trace in the error queue, under an entry id of their own (`<reason>:<job id>:<ms>`) with the
    /// payload as it was and an error record with attempts 0: an inline element whose id is in flight
    /// (`DuplicateJobID`; the running job's envelope is left alone) and an id without a payload (`MissingPayload`).
    ///
    /// Returns `{settled, popped}`: `settled` holds the S results in order; `popped` is
    /// `{now, wake, id1, payload1, reclaims1, id2, ...}`, one triple per job taken, where `wake` is -1 when every
    /// wanted job was taken, else the ms until the next delayed job is due or lease lapses (-1 if none).
    package static let settleAndPop = RedisScript(
        name: "deferrable.settleAndPop",
        source: timePrelude + wakePrelude + historyPrelude + windowPrelude + """
            local jobs, ready, delayed, inflight, leases, reclaims, inbox, markers = KEYS[1], KEYS[2], KEYS[3],
                KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
            local errors, errorPayloads, errorRecords, settledTokens = KEYS[9], KEYS[10], KEYS[11], KEYS[12]
            local resultsIndex, resultPrefix, resultChannel, stats = KEYS[13], ARGV[3], ARGV[4], ARGV[5]
            local NUL = string.char(0)
            local now = now_ms()
            -- Most of the time no job has a reclaim count: then skip the per-job reads and deletes of it.
            local hasReclaims = redis.call('EXISTS', reclaims) == 1
            local settleEnd = 7 + tonumber(ARGV[7]) * 13
            local settled, dead, dueBefore, storedResults, subscribers = {}, 0, nil, false, nil
            if ARGV[6] == '1' then subscribers = 1 end
            -- Tells waiting processes that the job `id` ended, with its record when it is small; nothing when no
            -- process subscribes to the channel (asked once per call: a subscriber that comes later looks itself;
            -- always on a cluster).
            local function publish(id, record)
                if subscribers == nil then subscribers = redis.call('PUBSUB', 'NUMSUB', resultChannel)[2] end
                if subscribers == 0 then return end
                if record and #record <= 8192 then
                    redis.call('PUBLISH', resultChannel, id .. NUL .. record)
                else
                    redis.call('PUBLISH', resultChannel, id)
                end
            end
            -- Tallies of this call, summed per key and field first, so that settlements of one name coalesced into
            -- one call cost one command per counter, not one per settlement. `tallies[key] = {expireAt, {field = n}}`.
            -- Every settlement of a call ends at the same `now`, so the bucket keys are made once per call.
            local tallies, seenNames, bucketKeys, histogramKey, histogramExpiry = {}, {}, nil, nil, nil
            local counterNames = {}
            local function add(key, expireAt, field)
                local entry = tallies[key]
                if not entry then
                    entry = {expireAt, {}}
                    tallies[key] = entry
                end
                entry[2][field] = (entry[2][field] or 0) + 1
            end
            -- Counts the tally of the settlement at ARGV[i] if it has one.
            local function count_tally(i)
                local name = ARGV[i + 9]
                if name == '' then return end
                if not bucketKeys then
                    bucketKeys = {}
                    for _, r in ipairs(HISTORY) do
                        local n = math.floor(now / r[2])
                        bucketKeys[#bucketKeys + 1] = {stats .. ':' .. r[1] .. ':' .. n, (n + 1) * r[2] + r[3]}
                    end
                    local minute = math.floor(now / 60000)
                    histogramKey, histogramExpiry = stats .. ':h:' .. minute, (minute + 1 + WINDOW) * 60000
                end
                local field = name .. NUL .. ARGV[i + 10]
                add(stats, false, field)
                seenNames[name] = true
                counterNames[field] = name
                for _, bucket in ipairs(bucketKeys) do add(bucket[1], bucket[2], field) end
                local run, wait = ARGV[i + 11], ARGV[i + 12]
                if run ~= '' then add(histogramKey, histogramExpiry, name .. NUL .. 'r' .. NUL .. run) end
                if wait ~= '' then add(histogramKey, histogramExpiry, name .. NUL .. 'w' .. NUL .. wait) end
            end
            -- Writes the summed tallies: a key that expires gets its expiry when one of its fields is new; a name's
            -- first time is written when one of its counters is new, its last time once per call.
            local function write_tallies()
                local firstTimes = {}
                for key, entry in pairs(tallies) do
                    local created = false
                    for field, n in pairs(entry[2]) do
                        if redis.call('HINCRBY', key, field, n) == n then
                            created = true
                            if key == stats then firstTimes[#firstTimes + 1] = counterNames[field] end
                        end
                    end
                    if created and entry[1] then redis.call('PEXPIREAT', key, entry[1]) end
                end
                for _, name in ipairs(firstTimes) do redis.call('HSETNX', stats, name .. NUL .. 'first', now) end
                for name in pairs(seenNames) do redis.call('HSET', stats, name .. NUL .. 'last', now) end
            end
            -- Stores the result of the settlement at ARGV[i] if it has one.
            local function store_result(i, id)
                local ttl = ARGV[i + 8]
                if ttl == '' then return end
                redis.call('SET', resultPrefix .. id, ARGV[i + 7], 'PX', ttl)
                redis.call('ZADD', resultsIndex, now + tonumber(ttl), id)
                publish(id, ARGV[i + 7])
                storedResults = true
            end
            for i = 8, settleEnd, 13 do
                local id, token, mode = ARGV[i], ARGV[i + 1], ARGV[i + 2]
                if redis.call('HGET', leases, id) ~= token then
                    settled[#settled + 1] = redis.call('ZSCORE', settledTokens, token) and 1 or 0
                else
                    settled[#settled + 1] = 1
                    redis.call('ZADD', settledTokens, redis.call('ZSCORE', inflight, id) or now, token)
                    redis.call('HDEL', leases, id)
                    redis.call('ZREM', inflight, id)
                    count_tally(i)
                    if mode == 'complete' then
                        redis.call('HDEL', jobs, id)
                        if hasReclaims then redis.call('HDEL', reclaims, id) end
                        store_result(i, id)
                    elseif mode == 'requeue' then
                        if ARGV[i + 4] == '1' then
                            redis.call('HSET', jobs, id, ARGV[i + 3])
                            if hasReclaims then redis.call('HDEL', reclaims, id) end
                        end
                        local delay = tonumber(ARGV[i + 5])
                        if delay > 0 then
                            if dueBefore == nil then dueBefore = next_due(delayed) end
                            redis.call('ZADD', delayed, now + delay, id)
                        else
                            redis.call('LPUSH', ready, id)
                        end
                    else
                        redis.call('HDEL', jobs, id)
                        if hasReclaims then redis.call('HDEL', reclaims, id) end
                        redis.call('ZADD', errors, now, id)
                        redis.call('HSET', errorPayloads, id, ARGV[i + 3])
                        redis.call('HSET', errorRecords, id, ARGV[i + 6])
                        dead = dead + 1
                        store_result(i, id)
                        -- No record (its envelope could not be read): its waiters look again and find none.
                        if ARGV[i + 8] == '' then publish(id, nil) end
                    end
                end
            end
            if settleEnd > 7 then
                redis.call('ZREMRANGEBYSCORE', settledTokens, '-inf', now)
                write_tallies()
            end
            if storedResults then
                local expired = redis.call('ZRANGEBYSCORE', resultsIndex, '-inf', now, 'LIMIT', 0, 500)
                if #expired > 0 then redis.call('ZREM', resultsIndex, unpack(expired)) end
                local latest = redis.call('ZRANGE', resultsIndex, -1, -1, 'WITHSCORES')
                if #latest == 2 then redis.call('PEXPIREAT', resultsIndex, latest[2]) end
            end
            if dueBefore ~= nil then wake_if_sooner(delayed, ready, markers, dueBefore) end
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

            local popStart = settleEnd + 1
            local wanted = math.floor((#ARGV - settleEnd) / 2)
            local popped = {now, -1}
            if wanted == 0 then return {settled, popped} end
            local lapsed = redis.call('ZRANGEBYSCORE', inflight, '-inf', now, 'LIMIT', 0, 100)
            for _, id in ipairs(lapsed) do
                redis.call('ZREM', inflight, id)
                redis.call('HDEL', leases, id)
                if redis.call('HEXISTS', jobs, id) == 1 then
                    redis.call('HINCRBY', reclaims, id, 1)
                    redis.call('LPUSH', ready, id)
                end
            end
            hasReclaims = #lapsed > 0 or redis.call('EXISTS', reclaims) == 1
            local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 500)
            if #due > 0 then
                redis.call('ZREM', delayed, unpack(due))
                redis.call('LPUSH', ready, unpack(due))
            end
            -- Records an element that cannot run in the error queue; returns an error reply if the error queue is
            -- unusable (a key of the wrong type).
            local function trace(reason, id, payload, message)
                local entryId = reason .. ':' .. id .. ':' .. now
                local record = cjson.encode({type = reason, message = message, attempts = 0, host = 'redis', at = now})
                for _, write in ipairs({{'ZADD', errors, now, entryId}, {'HSET', errorPayloads, entryId, payload},
                        {'HSET', errorRecords, entryId, record}}) do
                    local written = redis.pcall(unpack(write))
                    if type(written) == 'table' and written.err then return written end
                end
                return nil
            end
            local taken, sawMarker = 0, false
            while taken < wanted do
                local from = inbox
                local entry = redis.call('RPOP', inbox)
                if not entry then
                    from = ready
                    entry = redis.call('RPOP', ready)
                end
                if not entry then break end
                local id, payload = entry, false
                if entry == '' then
                    sawMarker = true
                    if redis.call('DECR', markers) <= 0 then redis.call('DEL', markers) end
                elseif string.byte(entry, 1) == 0 then
                    local separator = string.find(entry, NUL, 2, true)
                    if separator and separator > 2 then
                        id, payload = string.sub(entry, 2, separator - 1), string.sub(entry, separator + 1)
                    else
                        -- No readable id: kept under a made-up one, so the consumer sends it to the error queue.
                        id, payload = 'malformed-' .. redis.sha1hex(entry), entry
                    end
                    if redis.call('HEXISTS', leases, id) == 1 then
                        -- A job with this id is running: its envelope stays, this copy is not run.
                        local failed = trace('DuplicateJobID', id, payload, 'a job with id ' .. id ..
                            ' was pushed while a job with that id was running; this copy did not run')
                        if failed then
                            redis.call('RPUSH', from, entry)
                            return failed
                        end
                        payload = false
                    else
                        -- A script's writes stay when it fails: if the jobs hash is unusable (a key of the wrong
                        -- type), the element goes back where it was before the error is returned.
                        local stored = redis.pcall('HSET', jobs, id, payload)
                        if type(stored) == 'table' and stored.err then
                            redis.call('RPUSH', from, entry)
                            return stored
                        end
                    end
                else
                    payload = redis.call('HGET', jobs, id)
                    if not payload and redis.call('HEXISTS', leases, id) == 0 then
                        local failed = trace('MissingPayload', id, '', 'job id ' .. id ..
                            ' was runnable but its payload was missing from the jobs hash; it could not run')
                        if failed then
                            redis.call('RPUSH', from, entry)
                            return failed
                        end
                    end
                end
                if payload and redis.call('HEXISTS', leases, id) == 0 then
                    redis.call('ZADD', inflight, now + tonumber(ARGV[popStart + 2 * taken]), id)
                    redis.call('HSET', leases, id, ARGV[popStart + 2 * taken + 1])
                    taken = taken + 1
                    popped[#popped + 1] = id
                    popped[#popped + 1] = payload
                    popped[#popped + 1] = hasReclaims and tonumber(redis.call('HGET', reclaims, id) or '0') or 0
                end
            end
            if taken == wanted then
                -- More may be waiting, so this consumer will not wait: the marker goes back for one that will.
                if sawMarker then
                    redis.call('LPUSH', ready, '')
                    redis.call('INCR', markers)
                end
                return {settled, popped}
            end
            -- Both lists are empty: no marker is left, whatever the count says (an older consumer may have dropped one).
            redis.call('DEL', markers)
            local wake = -1
            local due = next_due(delayed)
            if due then wake = math.max(0, due - now) end
            local nextLapse = redis.call('ZRANGE', inflight, 0, 0, 'WITHSCORES')
            if #nextLapse > 0 then
                local w = math.max(0, tonumber(nextLapse[2]) - now)
                if wake < 0 or w < wake then wake = w end
            end
            popped[2] = wake
            return {settled, popped}
            """
    )

    /// Gives back the jobs leased under tokens whose pop replies were lost (the consumer was cancelled, or the
    /// connection failed, while a pop was in flight): each job goes back to the ready list, to be taken next, without
    /// using an attempt, like a hand-back. One scan of the leases for all tokens, so callers batch their tokens; it
    /// only runs after a lost reply. Elements left in the inbox (a waiting consumer's connection closed after its
    /// wait took an element but before its pop ran) go back to the ready list too, oldest next, so that a waiting
    /// consumer is woken for them.
    ///
    /// KEYS: leases, inflight, ready, inbox. ARGV: tokens. Returns the ids given back.
    package static let releaseTokens = RedisScript(
        name: "deferrable.releaseTokens",
        source: """
            local wanted = {}
            for i = 1, #ARGV do wanted[ARGV[i]] = true end
            local held = redis.call('HGETALL', KEYS[1])
            local released = {}
            for i = 1, #held, 2 do
                if wanted[held[i + 1]] then
                    local id = held[i]
                    redis.call('HDEL', KEYS[1], id)
                    redis.call('ZREM', KEYS[2], id)
                    redis.call('RPUSH', KEYS[3], id)
                    released[#released + 1] = id
                end
            end
            while true do
                local entry = redis.call('LPOP', KEYS[4])
                if not entry then break end
                redis.call('RPUSH', KEYS[3], entry)
            end
            return released
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
