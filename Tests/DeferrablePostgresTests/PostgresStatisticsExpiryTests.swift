import Deferrable
import DeferrablePostgres
import PostgresNIO
import Testing

/// `count_tallies` on PostgreSQL: one count per tally in the counters, every history resolution and the minute's
/// histograms, one upsert per key for a batch; expired history and histogram rows pruned a bounded number at a time by
/// the rows it creates.
@Suite("PostgreSQL statistics expiry", .enabled(if: PostgresTestDatabase.url != nil, "POSTGRES_URL is not set"))
struct PostgresStatisticsExpiryTests {
    let s = PostgresStoreFixture.schema

    /// One tally of a run of `name` (a `nil` bucket is not counted).
    private func tally(_ group: String, _ name: String, run: Int32?, wait: Int32?) async throws {
        try await tallies(group, [(name, "succeeded", run ?? -1, wait ?? -1)])
    }

    /// One `count_tallies` call of `batch` (name, outcome, run bucket, wait bucket; a negative bucket is not counted).
    private func tallies(_ group: String, _ batch: [(String, String, Int32, Int32)]) async throws {
        let names = batch.map(\.0)
        let outcomes = batch.map(\.1)
        let runs = batch.map(\.2)
        let waits = batch.map(\.3)
        try await PostgresStoreFixture.query(
            """
            SELECT \(unescaped: s).count_tallies(\(group), \(names), \(outcomes), \(runs), \(waits), \(unescaped: s).now_ms())
            """)
    }

    private func rows(_ table: String, _ group: String) async throws -> Int64 {
        try await PostgresStoreFixture.number("SELECT count(*) FROM \(unescaped: s).\(unescaped: table) WHERE grp = \(group)")
    }

    private func expired(_ table: String, _ group: String) async throws -> Int64 {
        try await PostgresStoreFixture.number(
            """
            SELECT count(*) FROM \(unescaped: s).\(unescaped: table)
            WHERE grp = \(group) AND expires_at <= \(unescaped: s).now_ms()
            """)
    }

    @Test("a new history bucket deletes up to 100 expired buckets of its group")
    func historyPruned() async throws {
        let group = PostgresStoreFixture.uniqueGroup()
        try await PostgresStoreFixture.query(
            """
            INSERT INTO \(unescaped: s).stat_history (grp, resolution, bucket, name, outcome, n, expires_at)
            SELECT \(group), 'm', i, 'old', 'succeeded', 1, \(unescaped: s).now_ms() - 1000 FROM generate_series(1, 150) i
            """)
        try await tally(group, "first", run: nil, wait: nil)
        #expect(try await expired("stat_history", group) == 50)
        try await tally(group, "second", run: nil, wait: nil)
        #expect(try await expired("stat_history", group) == 0)
        #expect(try await rows("stat_history", group) == 6, "one bucket per resolution and name")
    }

    @Test("a new histogram row deletes up to 100 expired histogram rows of its group")
    func histogramsPruned() async throws {
        let group = PostgresStoreFixture.uniqueGroup()
        try await PostgresStoreFixture.query(
            """
            INSERT INTO \(unescaped: s).stat_histograms (grp, minute, name, kind, bucket, n, expires_at)
            SELECT \(group), 1, 'old', 'r', i, 1, \(unescaped: s).now_ms() - 1000 FROM generate_series(1, 150) i
            """)
        try await tally(group, "timed", run: 10, wait: 20)
        #expect(try await expired("stat_histograms", group) == 50)
        try await tally(group, "timed", run: 11, wait: nil)
        #expect(try await expired("stat_histograms", group) == 0)
    }

    @Test("a tally counts once everywhere, and histogram buckets out of range are left out")
    func countsEverywhere() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let statistics = try #require(try factory.makeBackend(group: group).statistics)
        try await statistics.registerNames(["timed"])
        try await tally(group, "timed", run: 10, wait: nil)
        try await tally(group, "timed", run: Int32(DurationHistogram.bucketCount), wait: 5)
        let row = try #require(try await statistics.statistics().first { $0.name == "timed" })
        #expect(row.counts == TaskCounts(succeeded: 2))
        #expect(row.runTime?.samples == 1)
        #expect(row.queueWait?.samples == 1)
        for resolution in HistoryResolution.allCases {
            let buckets = try await statistics.history(name: "timed", resolution: resolution, limit: 2)
            #expect(buckets.count == 2)
            // Both tallies are in the last two buckets, whichever bucket boundary passed between them.
            #expect(buckets.reduce(0) { $0 + $1.counts.succeeded } == 2, "\(resolution)")
            #expect(buckets.map(\.startMillis) == buckets.map(\.startMillis).sorted(), "\(resolution)")
        }
        try await statistics.reset()
        #expect(try await rows("stat_counters", group) == 0)
        #expect(try await rows("stat_history", group) == 0)
        #expect(try await rows("stat_histograms", group) == 0)
        #expect(try await statistics.statistics().map(\.name) == ["timed"], "registered names stay")
    }

    @Test("a batch counts each tally once, with one row per key, and a counter saturates instead of failing")
    func batchCountsPerKey() async throws {
        let group = PostgresStoreFixture.uniqueGroup()
        try await PostgresStoreFixture.query(
            """
            INSERT INTO \(unescaped: s).stat_counters (grp, name, outcome, n, first_seen, last_seen)
            VALUES (\(group), 'full', 'failed', 9223372036854775806, 0, 0)
            """)
        try await tallies(
            group,
            [
                ("a", "succeeded", 3, 4), ("a", "succeeded", 3, -1), ("b", "succeeded", -1, -1), ("a", "failed", 3, 4),
                ("full", "failed", -1, -1), ("full", "failed", -1, -1), ("full", "failed", -1, -1),
            ])
        let counters = try await PostgresStoreFixture.query(
            "SELECT name, outcome, n FROM \(unescaped: s).stat_counters WHERE grp = \(group) ORDER BY name, outcome")
        var counted: [String: Int64] = [:]
        for row in counters {
            let (name, outcome, n) = try row.decode((String, String, Int64).self)
            counted["\(name)/\(outcome)"] = n
        }
        #expect(counted == ["a/failed": 1, "a/succeeded": 2, "b/succeeded": 1, "full/failed": Int64.max])
        let minuteHistory = try await PostgresStoreFixture.number(
            "SELECT sum(n)::bigint FROM \(unescaped: s).stat_history WHERE grp = \(group) AND resolution = 'm'")
        #expect(minuteHistory == 7)
        #expect(try await rows("stat_history", group) == 3 * 4, "one row per resolution, name and outcome")
        let histogram = try await PostgresStoreFixture.query(
            "SELECT name, kind, bucket, n FROM \(unescaped: s).stat_histograms WHERE grp = \(group) ORDER BY name, kind")
        var buckets: [String] = []
        for row in histogram {
            let (name, kind, bucket, n) = try row.decode((String, String, Int32, Int64).self)
            buckets.append("\(name) \(kind)\(bucket)×\(n)")
        }
        #expect(buckets == ["a r3×3", "a w4×2"])
    }
}
