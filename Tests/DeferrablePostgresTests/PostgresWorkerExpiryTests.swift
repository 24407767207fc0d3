import Deferrable
import DeferrablePostgres
import PostgresNIO
import Testing

/// Worker heartbeats on PostgreSQL: expired rows are invisible and deleted by the group's next beat; a group keeps at
/// most ``WorkerHeartbeat/maxWorkersPerGroup`` heartbeats.
@Suite("PostgreSQL worker expiry", .enabled(if: PostgresTestDatabase.url != nil, "POSTGRES_URL is not set"))
struct PostgresWorkerExpiryTests {
    let s = PostgresStoreFixture.schema

    private func heartbeat(_ id: String, expiresAfterMillis: Int64) -> WorkerHeartbeat {
        WorkerHeartbeat(
            id: id, host: "host", pid: 1, startedMillis: 0, concurrency: 1, busySlots: 0, groups: [], jobIDs: [],
            beatMillis: 0, expiresAfterMillis: expiresAfterMillis)
    }

    private func rows(_ group: String) async throws -> Int64 {
        try await PostgresStoreFixture.number("SELECT count(*) FROM \(unescaped: s).workers WHERE grp = \(group)")
    }

    @Test("an expired heartbeat is not listed, and the next beat of the group deletes its row")
    func expiredPruned() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let workers = try #require(try factory.makeBackend(group: group).workers)
        try await PostgresStoreFixture.query(
            """
            INSERT INTO \(unescaped: s).workers (grp, id, heartbeat, expires_at)
            VALUES (\(group), 'gone', convert_to('{}', 'UTF8'), \(unescaped: s).now_ms() - 1)
            """)
        #expect(try await workers.workers().isEmpty)
        #expect(try await rows(group) == 1)
        try await workers.beat(heartbeat("alive", expiresAfterMillis: 60_000))
        #expect(try await workers.workers().map(\.id) == ["alive"])
        #expect(try await rows(group) == 1)
    }

    @Test("a beat past the most workers kept drops the heartbeats that expire first")
    func bounded() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let workers = try #require(try factory.makeBackend(group: group).workers)
        try await PostgresStoreFixture.query(
            """
            INSERT INTO \(unescaped: s).workers (grp, id, heartbeat, expires_at)
            SELECT \(group), 'w-' || i, convert_to('{}', 'UTF8'), \(unescaped: s).now_ms() + 600000 + i
            FROM generate_series(1, \(Int64(WorkerHeartbeat.maxWorkersPerGroup))) i
            """)
        try await workers.beat(heartbeat("newest", expiresAfterMillis: 86_400_000))
        #expect(try await rows(group) == Int64(WorkerHeartbeat.maxWorkersPerGroup))
        #expect(
            try await PostgresStoreFixture.number(
                "SELECT count(*) FROM \(unescaped: s).workers WHERE grp = \(group) AND id IN ('w-1', 'newest')") == 1)
    }
}
