import Deferrable
import DeferrablePostgres
import PostgresNIO
import Testing

/// The PostgreSQL result store's expiry: `store_result` prunes expired records of its group a bounded number at a
/// time, and an expired record is never read.
@Suite("PostgreSQL result expiry", .enabled(if: PostgresTestDatabase.url != nil, "POSTGRES_URL is not set"))
struct PostgresResultExpiryTests {
    let s = PostgresStoreFixture.schema

    private func expiredCount(_ group: String) async throws -> Int64 {
        try await PostgresStoreFixture.number(
            """
            SELECT count(*) FROM \(unescaped: s).results WHERE grp = \(group) AND expires_at <= \(unescaped: s).now_ms()
            """)
    }

    @Test("each stored result deletes up to 100 expired records of its group, and no other group's")
    func storePrunesExpired() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let other = PostgresStoreFixture.uniqueGroup()
        for seeded in [group, other] {
            try await PostgresStoreFixture.query(
                """
                INSERT INTO \(unescaped: s).results (grp, id, record, expires_at)
                SELECT \(seeded), 'old-' || i, decode('00', 'hex'), \(unescaped: s).now_ms() - 1000 FROM generate_series(1, 150) i
                """)
        }
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'new-1', decode('01', 'hex'), 60000, \(unescaped: s).now_ms())")
        let left = try await expiredCount(group)
        #expect(left == 50)
        #expect(try await expiredCount(other) == 150)
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'new-2', decode('02', 'hex'), 60000, \(unescaped: s).now_ms())")
        #expect(try await expiredCount(group) == 0)
        let results = try #require(try factory.makeBackend(group: group).results)
        #expect(try await results.count() == 2)
        #expect(try await results.lookup(id: "new-2") == .finished([2]))
        #expect(try await results.lookup(id: "old-1") == .unknown)
    }

    @Test("a record is read until its TTL passes, then it is unknown and not counted")
    func recordExpires() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let results = try #require(try factory.makeBackend(group: group).results)
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'short', decode('07', 'hex'), 300, \(unescaped: s).now_ms())")
        // A look right after the store may already be late on a loaded machine: only the end state is asserted.
        let deadline = ContinuousClock.now + PostgresStoreFixture.patience
        while try await results.lookup(id: "short") != .unknown, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await results.lookup(id: "short") == .unknown)
        #expect(try await results.count() == 0)
    }

    @Test("a TTL that would overflow the expiry saturates instead of failing the settlement")
    func hugeTTL() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'forever', decode('08', 'hex'), \(Int64.max), \(unescaped: s).now_ms())")
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'tiny', decode('09', 'hex'), -5, \(unescaped: s).now_ms())")
        let results = try #require(try factory.makeBackend(group: group).results)
        #expect(try await results.lookup(id: "forever") == .finished([8]))
        #expect(
            try await PostgresStoreFixture.number(
                "SELECT expires_at FROM \(unescaped: s).results WHERE grp = \(group) AND id = 'forever'") == Int64.max)
    }

    @Test("a queued job is pending even when an older record of the same id is stored")
    func queuedWinsOverRecord() async throws {
        let factory = try await PostgresStoreFixture.factory()
        let group = PostgresStoreFixture.uniqueGroup()
        let backend = try factory.makeBackend(group: group)
        let results = try #require(backend.results)
        try await PostgresStoreFixture.query(
            "SELECT \(unescaped: s).store_result(\(group), 'again', decode('0a', 'hex'), 60000, \(unescaped: s).now_ms())")
        #expect(try await results.lookup(id: "again") == .finished([10]))
        try await backend.queue.push(OutgoingJob(id: "again", payload: Array("x".utf8), keepsResult: true))
        #expect(try await results.lookup(id: "again") == .pending)
    }
}
