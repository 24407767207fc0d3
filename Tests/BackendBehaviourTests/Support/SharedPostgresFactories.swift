import Deferrable
import DeferrablePostgres
import DeferrableTestSupport

/// The PostgreSQL factories the behaviour suites share: one per error queue limits, migrated before first use.
actor SharedPostgresFactories {
    static let shared = SharedPostgresFactories()

    private var factories: [ErrorQueueLimits: Task<PostgresBackendFactory, any Error>] = [:]

    /// The factory of `errorQueueLimits`: made and migrated by the first caller; later callers await that one.
    func factory(url: String, errorQueueLimits: ErrorQueueLimits) async throws -> PostgresBackendFactory {
        if let made = factories[errorQueueLimits] { return try await made.value }
        let making = Task {
            let factory = try PostgresBackendFactory(
                url: url, settings: PostgresBackendSettings(errorQueueLimits: errorQueueLimits))
            try await factory.migrate()
            return factory
        }
        factories[errorQueueLimits] = making
        return try await making.value
    }
}

extension WaitCountingFactory {
    /// A PostgreSQL factory, counting the consumers that wait for its notifications.
    static func postgres(_ factory: PostgresBackendFactory) -> WaitCountingFactory {
        WaitCountingFactory(factory: factory, count: { factory.waitingConsumers(group: $0) }, cleanup: {})
    }
}
