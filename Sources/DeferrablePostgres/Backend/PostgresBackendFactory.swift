import Deferrable
import Logging
import PostgresNIO

/// Makes the PostgreSQL backends of groups that share one database, schema and connection pool.
///
/// The factory runs its `PostgresClient` pool itself. Call ``migrate()`` once before use (it is idempotent, and safe
/// when several processes call it at once) and ``close()`` at the end.
///
/// ```swift
/// let factory = try PostgresBackendFactory(url: "postgres://app:secret@127.0.0.1:5432/app")
/// try await factory.migrate()
/// let deferrable = try Deferrable(factory: factory, group: "mail")
/// ```
public final class PostgresBackendFactory: ConnectedBackendFactory, GroupCatalog {
    /// The settings.
    public let settings: PostgresBackendSettings
    /// The schema that holds the tables.
    public let schema: PostgresSchema
    let database: PostgresDatabase
    let hub: PostgresNotificationHub
    private let registration = PerGroup { _ in PostgresGroupRegistration() }
    private let batchings: PerGroup<PostgresQueueBatching>

    /// Creates a factory from a client configuration (host, credentials, TLS, pool size).
    /// - Throws: ``PostgresBackendError/invalidSchemaName(_:reason:)``.
    public init(
        configuration: PostgresClient.Configuration,
        settings: PostgresBackendSettings = PostgresBackendSettings(),
        logger: Logger = Logger(label: "deferrable.postgres")
    ) throws {
        let schema = try PostgresSchema(settings.schema)
        self.settings = settings
        self.schema = schema
        let database = PostgresDatabase(
            configuration: configuration, schema: schema, timeout: settings.clampedOperationTimeout, logger: logger)
        self.database = database
        self.hub = PostgresNotificationHub(database: database, mode: settings.wakeMode)
        self.batchings = PerGroup { group in PostgresQueueBatching(database: database, group: group, settings: settings) }
    }

    /// Creates a factory from `postgres://user:password@host:port/database[?sslmode=disable|prefer|require]`.
    /// - Throws: ``PostgresBackendError/invalidURL(_:reason:)`` or ``PostgresBackendError/invalidSchemaName(_:reason:)``.
    public convenience init(
        url: String,
        settings: PostgresBackendSettings = PostgresBackendSettings(),
        logger: Logger = Logger(label: "deferrable.postgres")
    ) throws {
        try self.init(configuration: PostgresURL.configuration(from: url), settings: settings, logger: logger)
    }

    /// Brings the schema to the version this library needs, applying the missing migrations in one transaction under
    /// an advisory lock. Returns the schema version.
    /// - Throws: ``PostgresBackendError/schemaTooNew(version:known:)`` when a newer library migrated it, or the
    ///   database's error.
    @discardableResult
    public func migrate() async throws -> Int {
        try await PostgresMigrator(database: database).migrate().toVersion
    }

    /// The factory's connection pool, run by the factory until ``close()``: use it for the application's own queries,
    /// and its `withTransaction` for pushes that commit with them (``Deferrable/JobHandle/later(_:on:logger:)``).
    public var client: PostgresClient { database.client }

    /// The client configuration a `postgres://` URL describes (see ``init(url:settings:logger:)``).
    /// - Throws: ``PostgresBackendError/invalidURL(_:reason:)``.
    public static func configuration(url: String) throws(PostgresBackendError) -> PostgresClient.Configuration {
        try PostgresURL.configuration(from: url)
    }

    /// The schema version this library migrates to.
    public static var schemaVersion: Int { PostgresMigration.latestVersion }

    public func makeBackend(group: String) throws -> any Backend {
        try GroupName.validate(group)
        let queue = PostgresJobQueue(
            database: database, group: group, settings: settings, hub: hub, registration: registration.for(group),
            batching: batchings.for(group))
        return PostgresBackend(
            group: group, queue: queue, errorQueue: PostgresErrorQueue(database: database, group: group),
            results: PostgresResultStore(database: database, group: group, hub: hub),
            statistics: PostgresStatisticsStore(database: database, group: group),
            workers: PostgresWorkerDirectory(database: database, group: group),
            inspector: PostgresQueueInspector(database: database, group: group), database: database)
    }

    /// Names of the groups that were pushed to or consumed from, sorted.
    public func knownGroups() async throws -> [String] {
        let rows = try await database.query(
            "SELECT name FROM \(unescaped: schema.sql).groups ORDER BY name", "list groups")
        return try rows.map { try $0.decode(String.self) }
    }

    /// How many consumers of `group` in this process wait for a notification now.
    package func waitingConsumers(group: String) -> Int {
        hub.waiterCount(for: .wake(group: group))
    }

    /// Stops listening and closes the pool; calls in flight and later calls fail.
    public func close() async {
        hub.stop()
        database.close()
    }
}
