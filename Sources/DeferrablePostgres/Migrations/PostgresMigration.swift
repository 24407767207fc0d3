/// One versioned step of the backend's schema: SQL text (any number of statements) that the migrator runs in one
/// transaction, once, in version order.
struct PostgresMigration: Sendable {
    /// The version this step brings the schema to.
    let version: Int
    /// A short name, stored with the version.
    let name: String
    /// The SQL, for a schema.
    let sql: @Sendable (PostgresSchema) -> String

    /// Every step, in version order.
    static let all: [PostgresMigration] = [
        .queue,
        .results,
        .statistics,
        .workers,
        .debounce,
        .leaseSettlement,
        .idempotentPush,
    ]

    /// The version after every step.
    static var latestVersion: Int { all.last?.version ?? 0 }
}
