extension RedisScript {
    /// One step of a shared circuit (the rules of `CircuitState` in the core), atomically on the hash `KEYS[1]`,
    /// timed by the server clock.
    ///
    /// ARGV: 1 operation (`acquire`, `record`, `control`, `snapshot`); 2 trip kind (`consecutive` or `rate`);
    /// 3 threshold (failures in a row, or the failure rate); 4 window kind (`calls`, `seconds` or empty); 5 window
    /// size; 6 minimum calls; 7 break ms; 8 break growth; 9 longest break ms; 10 half-open probes; 11 probe timeout
    /// ms; for `record`: 12 permit kind (`call`, `probe`), 13 permit generation, 14 outcome (`success`, `failure`,
    /// `ignored`); for `control`: 12 the control (`holdOpen`, `holdClosed`, `release`, `reset`).
    ///
    /// Fields: `ph` phase, `hold`, `gen` generation, `cf` failures in a row, `rc` the last calls as `0`/`1`,
    /// `bk` buckets `second:calls:failures;…`, `trips`, `opened`, `closes`, `probes` expiry times `t,t,…`.
    ///
    /// Every operation returns `{now, transition from or '', transition to or '', closes at or -1, …}`; `acquire`
    /// adds `{admitted kind or '', generation, may close at or -1 (held: -1 with kind ''), 1 when a success must be
    /// reported (only for an admitted call)}`; `snapshot` adds
    /// `{phase, hold, cf, window calls, window failures, trips, opened or -1, closes or -1, probes in flight}`.
    static let circuitBreaker = RedisScript(
        name: "circuit-breaker",
        source: timePrelude + """
            local key = KEYS[1]
            local op = ARGV[1]
            local trip_kind, threshold = ARGV[2], tonumber(ARGV[3])
            local window_kind, window = ARGV[4], tonumber(ARGV[5])
            local minimum = tonumber(ARGV[6])
            local break_ms, growth, longest = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
            local max_probes, probe_timeout = tonumber(ARGV[10]), tonumber(ARGV[11])
            local now = now_ms()
            local f = redis.call('HMGET', key, 'ph', 'hold', 'gen', 'cf', 'rc', 'bk', 'trips', 'opened', 'closes', 'probes')
            local ph, hold = f[1] or 'closed', f[2] or ''
            local gen, cf = tonumber(f[3]) or 0, tonumber(f[4]) or 0
            local rc, bk = f[5] or '', f[6] or ''
            local trips, opened, closes = tonumber(f[7]) or 0, tonumber(f[8]) or -1, tonumber(f[9]) or -1
            local probes = {}
            for t in string.gmatch(f[10] or '', '[^,]+') do probes[#probes + 1] = tonumber(t) end
            local buckets = {}
            for s, c, x in string.gmatch(bk, '(%-?%d+):(%d+):(%d+)') do
                buckets[#buckets + 1] = {tonumber(s), tonumber(c), tonumber(x)}
            end
            local from, to = '', ''

            local function clear_counts() cf = 0; rc = ''; buckets = {} end
            local function move(next)
                from, to = ph, next
                ph = next
                gen = gen + 1
                probes = {}
                clear_counts()
                if next ~= 'open' then closes = -1 end
            end
            local function open()
                opened = now
                local b = break_ms * (growth ^ math.max(0, math.min(trips - 1, 10000)))
                closes = now + math.floor(math.min(b, longest))
                move('open')
            end
            local function prune_buckets()
                local second = math.floor(now / 1000)
                local kept = {}
                for _, b in ipairs(buckets) do if b[1] > second - window then kept[#kept + 1] = b end end
                buckets = kept
                return second
            end
            local function window_counts()
                if trip_kind ~= 'rate' then return 0, 0 end
                if window_kind == 'calls' then
                    local failures = select(2, string.gsub(rc, '1', ''))
                    return string.len(rc), failures
                end
                prune_buckets()
                local calls, failures = 0, 0
                for _, b in ipairs(buckets) do calls = calls + b[2]; failures = failures + b[3] end
                return calls, failures
            end
            local function count(failed)
                if trip_kind ~= 'rate' then return end
                if window_kind == 'calls' then
                    rc = rc .. (failed and '1' or '0')
                    if string.len(rc) > window then rc = string.sub(rc, -window) end
                else
                    local second = prune_buckets()
                    local last = buckets[#buckets]
                    if last and last[1] == second then
                        last[2] = last[2] + 1
                        if failed then last[3] = last[3] + 1 end
                    else
                        buckets[#buckets + 1] = {second, 1, failed and 1 or 0}
                    end
                end
            end
            local function should_trip()
                if trip_kind == 'consecutive' then return cf >= threshold end
                local calls, failures = window_counts()
                return calls >= minimum and failures >= threshold * calls
            end
            local function prune_probes()
                local kept = {}
                for _, t in ipairs(probes) do if t > now then kept[#kept + 1] = t end end
                probes = kept
            end
            local function save()
                local parts = {}
                for _, b in ipairs(buckets) do parts[#parts + 1] = b[1] .. ':' .. b[2] .. ':' .. b[3] end
                local p = {}
                for _, t in ipairs(probes) do p[#p + 1] = tostring(t) end
                redis.call('HSET', key, 'ph', ph, 'hold', hold, 'gen', gen, 'cf', cf, 'rc', rc, 'bk', table.concat(parts, ';'),
                    'trips', trips, 'opened', opened, 'closes', closes, 'probes', table.concat(p, ','))
                -- Idle circuits go away: a day after the last call, or after the break for an open one.
                redis.call('PEXPIRE', key, math.max(86400000, (closes > now and closes - now or 0) + 86400000))
            end

            if op == 'acquire' then
                if hold == 'open' then return {now, '', '', -1, '', gen, -1} end
                if hold == 'closed' then return {now, '', '', -1, 'unguarded', gen, -1} end
                if ph == 'open' then
                    if now < closes then return {now, '', '', -1, '', gen, closes} end
                    move('halfOpen')
                end
                local kind = 'call'
                if ph == 'halfOpen' then
                    prune_probes()
                    if #probes >= max_probes then
                        local soonest = now + break_ms
                        for _, t in ipairs(probes) do if t < soonest then soonest = t end end
                        save()
                        return {now, from, to, -1, '', gen, soonest}
                    end
                    probes[#probes + 1] = now + probe_timeout
                    kind = 'probe'
                end
                if kind == 'probe' or to ~= '' then save() end
                -- 1 when a success must be reported: anything but a call of a consecutive-failures circuit at 0.
                local reports = (kind ~= 'call' or trip_kind ~= 'consecutive' or cf > 0) and 1 or 0
                return {now, from, to, -1, kind, gen, -1, reports}
            elseif op == 'record' then
                local kind, permit_gen, outcome = ARGV[12], tonumber(ARGV[13]), ARGV[14]
                if hold ~= '' or permit_gen ~= gen then return {now, '', '', -1} end
                local failed = outcome == 'failure'
                if ph == 'closed' and kind == 'call' and outcome ~= 'ignored' then
                    if failed then cf = cf + 1 else cf = 0 end
                    count(failed)
                    if should_trip() then
                        trips = 1
                        open()
                    end
                    save()
                elseif ph == 'halfOpen' and kind == 'probe' then
                    if #probes > 0 then table.remove(probes, 1) end
                    if outcome ~= 'ignored' then
                        if failed then
                            trips = trips + 1
                            open()
                        else
                            trips = 0
                            move('closed')
                        end
                    end
                    save()
                end
                return {now, from, to, closes}
            elseif op == 'control' then
                local control = ARGV[12]
                if control == 'holdOpen' then hold = 'open'
                elseif control == 'holdClosed' then hold = 'closed'
                elseif control == 'release' then hold = ''
                elseif control == 'reset' then
                    hold = ''
                    trips = 0
                    if ph ~= 'closed' then move('closed') else clear_counts(); gen = gen + 1 end
                else
                    return redis.error_reply('ERR unknown circuit control ' .. tostring(control))
                end
                save()
                return {now, from, to, -1}
            elseif op == 'snapshot' then
                local calls, failures = window_counts()
                prune_probes()
                return {now, '', '', -1, ph, hold, cf, calls, failures, trips, opened,
                    ph == 'open' and closes or -1, ph == 'halfOpen' and #probes or 0}
            end
            return redis.error_reply('ERR unknown circuit operation ' .. tostring(op))
            """)
}
