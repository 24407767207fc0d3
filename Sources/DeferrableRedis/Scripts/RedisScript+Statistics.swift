import Deferrable

extension RedisScript {
    /// Defines `HISTORY`: per ``HistoryResolution``, its key letter, bucket length ms and retention after the bucket's
    /// end ms, for the scripts that count and read history buckets.
    static let historyPrelude: String = {
        let entries = HistoryResolution.allCases.map { resolution in
            "{'\(historyLetter(resolution))', \(resolution.bucketMillis), \(resolution.retentionMillis)}"
        }
        return "local HISTORY = {\(entries.joined(separator: ", "))}\n"
    }()

    /// The key letter of a resolution's history buckets (`<stats>:<letter>:<n>`).
    static func historyLetter(_ resolution: HistoryResolution) -> String {
        switch resolution {
        case .minute: "m"
        case .tenMinutes: "t"
        case .day: "d"
        }
    }

    /// Defines `WINDOW`, the minutes of histograms a statistics row reads (``TaskStatistics/recentWindowMinutes``),
    /// for the scripts that count histograms (each minute's expires `WINDOW` minutes after it ends) and read them.
    static let windowPrelude = "local WINDOW = \(TaskStatistics.recentWindowMinutes)\n"

    /// Reads what a statistics row needs, at the server's time. KEYS: stats, stats names, inflight, jobs. ARGV: most
    /// live leases read.
    ///
    /// Returns `{now, counters, names, histograms, heads}`: `counters` the counter hash (flat field/value list),
    /// `names` the registered names, `histograms` the flat field/value lists of the window's minutes concatenated,
    /// `heads` the first `JobEnvelope.nameHeadBytes` bytes of the payload of each job under a live lease (deadline after now),
    /// for its name (payloads read 1000 ids per `HMGET`).
    static let readStatistics = RedisScript(
        name: "deferrable.readStatistics",
        source: timePrelude + windowPrelude + """
            local now = now_ms()
            local minute = math.floor(now / 60000)
            local histograms = {}
            for m = minute - WINDOW + 1, minute do
                local fields = redis.call('HGETALL', KEYS[1] .. ':h:' .. m)
                for _, v in ipairs(fields) do histograms[#histograms + 1] = v end
            end
            local live = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. now, '+inf', 'LIMIT', 0, tonumber(ARGV[1]))
            local heads = {}
            for first = 1, #live, 1000 do
                local last = math.min(first + 999, #live)
                local payloads = redis.call('HMGET', KEYS[4], unpack(live, first, last))
                for i = 1, last - first + 1 do
                    heads[#heads + 1] = payloads[i] and string.sub(payloads[i], 1, \(JobEnvelope.nameHeadBytes)) or ''
                end
            end
            return {now, redis.call('HGETALL', KEYS[1]), redis.call('SMEMBERS', KEYS[2]), histograms, heads}
            """
    )

    /// Reads history buckets at the server's time. KEYS: stats. ARGV: resolution letter, bucket length ms, count.
    /// Returns `{now, b1, fields1, b2, fields2, ...}` for the `count` buckets up to the current one, oldest first.
    static let readHistory = RedisScript(
        name: "deferrable.readHistory",
        source: timePrelude + """
            local now = now_ms()
            local size = tonumber(ARGV[2])
            local current = math.floor(now / size)
            local reply = {now}
            for n = current - tonumber(ARGV[3]) + 1, current do
                reply[#reply + 1] = n
                reply[#reply + 1] = redis.call('HGETALL', KEYS[1] .. ':' .. ARGV[1] .. ':' .. n)
            end
            return reply
            """
    )

    /// Deletes a group's statistics at the server's time: the counters, every history bucket still kept and every
    /// histogram of the window, by name (500 keys per `DEL`); the announced names stay. KEYS: stats.
    static let resetStatistics = RedisScript(
        name: "deferrable.resetStatistics",
        source: timePrelude + historyPrelude + windowPrelude + """
            local now = now_ms()
            local doomed = {KEYS[1]}
            for _, r in ipairs(HISTORY) do
                local current = math.floor(now / r[2])
                -- Every bucket whose key may not have expired yet.
                for n = current - math.ceil(r[3] / r[2]) - 1, current do doomed[#doomed + 1] = KEYS[1] .. ':' .. r[1] .. ':' .. n end
            end
            local minute = math.floor(now / 60000)
            for m = minute - 2 * WINDOW, minute do doomed[#doomed + 1] = KEYS[1] .. ':h:' .. m end
            for first = 1, #doomed, 500 do
                redis.call('DEL', unpack(doomed, first, math.min(first + 499, #doomed)))
            end
            return #doomed
            """
    )
}
