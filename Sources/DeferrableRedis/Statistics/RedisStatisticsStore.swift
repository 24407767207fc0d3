import Deferrable

/// A group's task statistics on Redis: counters written by the settle script (see ``RedisScript/settleAndPop``),
/// read at the server's time. "Running" is read from the live leases: the name at the head of each leased job's
/// payload.
struct RedisStatisticsStore: TaskStatisticsStore {
    /// The most leased jobs whose names one ``statistics()`` call reads.
    static let maxRunningExamined = 10_000

    let client: RedisClient
    let keys: RedisKeys
    let group: String

    func registerNames(_ names: Set<String>) async throws {
        guard !names.isEmpty else { return }
        _ = try await client.send(RedisCommand(["SADD", keys.statisticsNames] + names.sorted()))
    }

    func statistics() async throws -> [TaskStatistics] {
        let reply = try await client.evalScript(
            .readStatistics, keys: [keys.statistics, keys.statisticsNames, keys.inflight, keys.jobs],
            args: [String(Self.maxRunningExamined)])
        guard let parts = reply.array, parts.count == 5 else {
            throw RedisError.protocolError("readStatistics script returned \(reply)")
        }
        var rows = TaskStatisticsRows(group: group)
        rows.registered = Set((parts[2].array ?? []).compactMap(\.string))
        for (field, value) in StatisticsField.pairs(parts[1]) {
            guard let (name, tail) = StatisticsField.split(field, trailing: 1) else { continue }
            switch tail[0] {
            case "first": rows.counted[name, default: .init()].firstSeen = value
            case "last": rows.counted[name, default: .init()].lastSeen = value
            default:
                guard let outcome = TaskOutcome(rawValue: tail[0]) else { continue }
                rows.counted[name, default: .init()].counts[outcome] = Int(clamping: max(0, value))
            }
        }
        for (field, value) in StatisticsField.pairs(parts[3]) {
            guard let (name, tail) = StatisticsField.split(field, trailing: 2), let bucket = Int(tail[1]),
                (0..<DurationHistogram.bucketCount).contains(bucket), value > 0
            else { continue }
            let count = Int(clamping: value)
            switch tail[0] {
            case "r": rows.counted[name, default: .init()].runTimes[bucket, default: 0].addSaturated(count)
            case "w": rows.counted[name, default: .init()].queueWaits[bucket, default: 0].addSaturated(count)
            default: continue
            }
        }
        rows.runningNames = (parts[4].array ?? []).map { head in
            head.bytes.flatMap { JobEnvelope.name(inPrefix: $0[...]) }
        }
        return rows.rows()
    }

    func history(name: String?, resolution: HistoryResolution, limit: Int) async throws -> [HistoryBucket] {
        let limit = min(max(limit, 1), resolution.bucketsKept)
        let reply = try await client.evalScript(
            .readHistory, keys: [keys.statistics],
            args: [RedisScript.historyLetter(resolution), String(resolution.bucketMillis), String(limit)])
        guard let parts = reply.array, parts.count == 1 + 2 * limit else {
            throw RedisError.protocolError("readHistory script returned \(reply)")
        }
        return stride(from: 1, to: parts.count, by: 2).map { index in
            var counts = TaskCounts()
            for (field, value) in StatisticsField.pairs(parts[index + 1]) {
                guard let (fieldName, tail) = StatisticsField.split(field, trailing: 1), name == nil || fieldName == name,
                    let outcome = TaskOutcome(rawValue: tail[0])
                else { continue }
                counts[outcome] = counts[outcome].addingSaturated(Int(clamping: max(0, value)))
            }
            return HistoryBucket(startMillis: resolution.startMillis(ofBucket: parts[index].int ?? 0), counts: counts)
        }
    }

    func reset() async throws {
        _ = try await client.evalScript(.resetStatistics, keys: [keys.statistics])
    }
}
