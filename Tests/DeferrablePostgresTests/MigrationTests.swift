import Deferrable
import DeferrablePostgres
import Testing

@Suite("PostgreSQL: migrations", .enabled(if: PostgresTestDatabase.url != nil))
struct MigrationTests {
    @Test("migrating again changes nothing; the schema is at the library's version")
    func idempotent() async throws {
        let factory = try await PostgresTestDatabase.factory()
        defer { Task { await factory.close() } }
        #expect(try await factory.migrate() == PostgresBackendFactory.schemaVersion)
        #expect(try await factory.migrate() == PostgresBackendFactory.schemaVersion)
    }

    @Test("four factories migrating one fresh schema at once all succeed, and it works")
    func concurrent() async throws {
        let url = try #require(PostgresTestDatabase.url)
        let schema = PostgresTestDatabase.uniqueSchema()
        let factories = try (0..<4).map { _ in
            try PostgresBackendFactory(url: url, settings: PostgresBackendSettings(schema: schema))
        }
        defer { Task { for factory in factories { await factory.close() } } }
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for factory in factories { group.addTask { try await factory.migrate() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions == Array(repeating: PostgresBackendFactory.schemaVersion, count: 4))
        let queue = try factories[0].makeBackend(group: "g").queue
        try await queue.push(OutgoingJob(id: "a", payload: Array("x".utf8)))
        #expect(try await factories[3].makeBackend(group: "g").queue.stats().available == 1)
    }

    @Test("schema names that are not plain identifiers are refused; reserved words work")
    func schemaNames() async throws {
        for bad in ["", "Upper", "1st", "a-b", "pg_x", "a b", String(repeating: "a", count: 49), "x\"y"] {
            #expect(throws: PostgresBackendError.self) { try PostgresSchema(bad) }
        }
        // `user` is a reserved word: quoted everywhere, it works like any other name.
        let factory = try await PostgresTestDatabase.factory(schema: "user")
        defer { Task { await factory.close() } }
        #expect(try await factory.migrate() == PostgresBackendFactory.schemaVersion)
    }
}
