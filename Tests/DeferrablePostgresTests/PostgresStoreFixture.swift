import Deferrable
import DeferrablePostgres
import Foundation
import PostgresNIO

/// The PostgreSQL factory the store tests share (a schema of its own, on the server of `POSTGRES_URL`), migrated
/// once per test process, and SQL helpers for looking at its tables.
enum PostgresStoreFixture {
    /// The schema, as it is written in SQL.
    static let schema = PostgresTestDatabase.uniqueSchema()

    /// How long a test waits for something that should happen soon before it fails.
    static let patience = Duration.seconds(10)

    private static let migrated = Task { try await PostgresTestDatabase.factory(schema: schema) }

    /// The factory, once its schema is migrated.
    static func factory() async throws -> PostgresBackendFactory {
        try await migrated.value
    }

    /// A group name of its own for one test.
    static func uniqueGroup() -> String {
        "t-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `query` on the factory's client.
    @discardableResult
    static func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await factory().client.query(query).collect()
    }

    /// The single bigint `query` returns.
    static func number(_ query: PostgresQuery) async throws -> Int64 {
        guard let row = try await Self.query(query).first else { throw PostgresBackendError.unexpectedReply("no row") }
        return try row.decode(Int64.self)
    }
}
