import Logging
import PostgresNIO

/// Brings a schema to ``PostgresMigration/latestVersion``: in one transaction that holds a transaction-level advisory
/// lock (so two processes migrating at once take turns, and the second finds nothing to do), it creates the schema
/// and its `migrations` table if needed, reads the applied versions, and runs the missing steps in order.
struct PostgresMigrator {
    let database: PostgresDatabase

    /// The longest a migration run may take.
    static let timeout = Duration.seconds(300)

    /// What a migration run did.
    struct Outcome: Sendable, Equatable {
        /// The schema's version before the run.
        var fromVersion: Int
        /// The schema's version after it.
        var toVersion: Int
    }

    /// The advisory lock key of a schema's migrations: FNV-1a of `deferrable.migrate.<schema>`, as a signed 64-bit
    /// number.
    static func lockKey(for schema: PostgresSchema) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "deferrable.migrate.\(schema.name)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    func migrate() async throws -> Outcome {
        let schema = database.schema
        let logger = database.logger
        // Far longer than one call may take: DDL waits for the locks of running statements, and a second process
        // waits here for the first one's migration.
        return try await database.withConnection("migrate", timeout: max(database.timeout, Self.timeout)) { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey(for: schema)))", logger: logger)
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema.sql)", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS \(unescaped: schema.sql).migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = 0
                for try await version in try await connection.query(
                    "SELECT coalesce(max(version), 0) FROM \(unescaped: schema.sql).migrations", logger: logger
                ).decode(Int32.self) {
                    applied = Int(version)
                }
                guard applied <= PostgresMigration.latestVersion else {
                    throw PostgresBackendError.schemaTooNew(version: applied, known: PostgresMigration.latestVersion)
                }
                for migration in PostgresMigration.all where migration.version > applied {
                    logger.info(
                        "Migrating the schema", metadata: ["postgres.schema": "\(schema)", "postgres.version": "\(migration.version)"])
                    for statement in SQLScript.statements(migration.sql(schema)) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO \(unescaped: schema.sql).migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                }
                return Outcome(fromVersion: applied, toVersion: max(applied, PostgresMigration.latestVersion))
            }
        }
    }
}
