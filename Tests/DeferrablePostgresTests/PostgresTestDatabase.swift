import Deferrable
import DeferrablePostgres
import Foundation

/// The PostgreSQL server the tests use (`POSTGRES_URL`, started by scripts/test.sh).
enum PostgresTestDatabase {
    static var url: String? { ProcessInfo.processInfo.environment["POSTGRES_URL"] }

    /// A schema name of its own for one test.
    static func uniqueSchema() -> String {
        "t_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A migrated factory on a schema of its own.
    static func factory(schema: String = uniqueSchema(), wakeMode: PostgresWakeMode = .listen) async throws
        -> PostgresBackendFactory
    {
        guard let url else { throw MissingServer() }
        let factory = try PostgresBackendFactory(url: url, settings: PostgresBackendSettings(schema: schema, wakeMode: wakeMode))
        try await factory.migrate()
        return factory
    }

    struct MissingServer: Error {}
}
