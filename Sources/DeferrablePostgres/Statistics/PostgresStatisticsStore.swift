import Deferrable
import PostgresNIO

/// A group's task statistics on PostgreSQL: counters written by the settlement through `count_tallies` (migration 6),
/// read at the database clock. "Running" is read from the live leases: the name at the head of the payload of each
/// job whose lease has not lapsed, at most ``maxRunningExamined`` of them.
struct PostgresStatisticsStore: TaskStatisticsStore {
    /// The most leased jobs whose names one ``statistics()`` call reads.
    static let maxRunningExamined = 10_000

    /// What a row of the statistics read holds (its first column).
    private enum Part: Int32 {
        case registered = 0
        case counter = 1
        case histogram = 2
        case running = 3
    }

    let database: PostgresDatabase
    let group: String

    private var schema: String { database.schema.sql }

    func registerNames(_ names: Set<String>) async throws {
        guard !names.isEmpty else { return }
        try await database.query(
            """
            INSERT INTO \(unescaped: schema).stat_names (grp, name)
            SELECT \(group), unnest(\(names.sorted())::text[])
            ON CONFLICT (grp, name) DO NOTHING
            """, "statistics names")
    }

    /// One statement, one snapshot: the registered names, the counters, the histograms of the recent window summed
    /// per bucket, and the payload heads of the jobs under a live lease.
    func statistics() async throws -> [TaskStatistics] {
        let window = Int64(TaskStatistics.recentWindowMinutes)
        let rows = try await database.query(
            """
            WITH t AS (SELECT \(unescaped: schema).now_ms() AS now)
            SELECT 0, name, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bytea
            FROM \(unescaped: schema).stat_names WHERE grp = \(group)
            UNION ALL
            SELECT 1, name, outcome, n, first_seen, last_seen, NULL FROM \(unescaped: schema).stat_counters WHERE grp = \(group)
            UNION ALL
            SELECT 2, g.name, g.kind, g.bucket, sum(g.n)::bigint, NULL, NULL
            FROM \(unescaped: schema).stat_histograms g, t
            WHERE g.grp = \(group) AND g.minute > \(unescaped: schema).bucket_of(t.now, 60000) - \(window)
                AND g.minute <= \(unescaped: schema).bucket_of(t.now, 60000)
            GROUP BY g.name, g.kind, g.bucket
            UNION ALL
            (SELECT 3, NULL, NULL, NULL, NULL, NULL, substring(j.payload FROM 1 FOR \(Int32(JobEnvelope.nameHeadBytes)))
             FROM \(unescaped: schema).jobs j, t
             WHERE j.grp = \(group) AND j.lease_token IS NOT NULL AND j.due_at > t.now
             LIMIT \(Int64(Self.maxRunningExamined)))
            """, "statistics read")
        var result = TaskStatisticsRows(group: group)
        for row in rows {
            let (kind, name, label, a, b, c, head) = try row.decode(
                (Int32, String?, String?, Int64?, Int64?, Int64?, ByteBuffer?).self)
            switch Part(rawValue: kind) {
            case .registered:
                if let name { result.registered.insert(name) }
            case .counter:
                guard let name, let outcome = label.flatMap(TaskOutcome.init(rawValue:)) else { continue }
                var counted = result.counted[name] ?? .init()
                counted.counts[outcome] = Int(clamping: max(0, a ?? 0))
                // A name was first seen when its first outcome was, and last seen when its latest one was.
                if let first = b { counted.firstSeen = min(first, counted.firstSeen ?? first) }
                if let last = c { counted.lastSeen = max(last, counted.lastSeen ?? last) }
                result.counted[name] = counted
            case .histogram:
                guard let name, let bucket = a.map(Int.init(clamping:)), (0..<DurationHistogram.bucketCount).contains(bucket),
                    let count = b, count > 0
                else { continue }
                switch label {
                case "r": result.counted[name, default: .init()].runTimes[bucket, default: 0].addSaturated(Int(clamping: count))
                case "w": result.counted[name, default: .init()].queueWaits[bucket, default: 0].addSaturated(Int(clamping: count))
                default: continue
                }
            case .running:
                result.runningNames.append(head.flatMap { JobEnvelope.name(inPrefix: $0.bytes[...]) })
            case nil:
                continue
            }
        }
        return result.rows()
    }

    func history(name: String?, resolution: HistoryResolution, limit: Int) async throws -> [HistoryBucket] {
        let limit = min(max(limit, 1), resolution.bucketsKept)
        let rows = try await database.query(
            """
            WITH t AS (SELECT \(unescaped: schema).bucket_of(\(unescaped: schema).now_ms(), \(resolution.bucketMillis)) AS current)
            SELECT t.current, h.bucket, h.outcome, h.n
            FROM t LEFT JOIN LATERAL (
                SELECT bucket, outcome, sum(n)::bigint AS n FROM \(unescaped: schema).stat_history
                WHERE grp = \(group) AND resolution = \(resolution.postgresCode)
                    AND bucket > t.current - \(Int64(limit)) AND bucket <= t.current
                    AND (\(name)::text IS NULL OR name = \(name))
                GROUP BY bucket, outcome
            ) h ON true
            """, "statistics history")
        var current: Int64?
        var counts: [Int64: TaskCounts] = [:]
        for row in rows {
            let (now, bucket, outcome, n) = try row.decode((Int64, Int64?, String?, Int64?).self)
            current = now
            guard let bucket, let outcome = outcome.flatMap(TaskOutcome.init(rawValue:)), let n else { continue }
            counts[bucket, default: TaskCounts()][outcome].addSaturated(Int(clamping: max(0, n)))
        }
        guard let current else { throw PostgresBackendError.unexpectedReply("statistics history returned no row") }
        let first = current.subtractingSaturated(Int64(limit - 1))
        return (0..<Int64(limit)).map { offset in
            let bucket = first.addingSaturated(offset)
            return HistoryBucket(startMillis: resolution.startMillis(ofBucket: bucket), counts: counts[bucket] ?? TaskCounts())
        }
    }

    func reset() async throws {
        try await database.query(
            """
            WITH counters AS (DELETE FROM \(unescaped: schema).stat_counters WHERE grp = \(group)),
                history AS (DELETE FROM \(unescaped: schema).stat_history WHERE grp = \(group))
            DELETE FROM \(unescaped: schema).stat_histograms WHERE grp = \(group)
            """, "statistics reset")
    }
}
