import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The backend's access to PostgreSQL: a `PostgresClient` pool that this type runs, with every call bounded by the
/// operation timeout.
final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let schema: PostgresSchema
    let logger: Logger
    let timeout: Duration
    private let runner: Mutex<Task<Void, Never>?>

    init(configuration: PostgresClient.Configuration, schema: PostgresSchema, timeout: Duration, logger: Logger) {
        var configuration = configuration
        // A connect attempt never outlasts the operation that needs it.
        configuration.options.connectTimeout = min(configuration.options.connectTimeout, timeout)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.schema = schema
        self.logger = logger
        self.timeout = timeout
        self.runner = Mutex(Task { await client.run() })
    }

    /// Runs `query` and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery, _ operation: String) async throws -> [PostgresRow] {
        let client = client
        let logger = logger
        return try await OperationDeadline.run(operation, timeout: timeout) {
            try await client.query(query, logger: logger).collect()
        }
    }

    /// Runs `body` on one pooled connection, within `timeout` (the operation timeout when `nil`).
    func withConnection<Result: Sendable>(
        _ operation: String, timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let client = client
        return try await OperationDeadline.run(operation, timeout: timeout ?? self.timeout) {
            try await client.withConnection { try await body($0) }
        }
    }

    /// Stops the pool: calls in flight and later calls fail.
    func close() {
        runner.withLock { $0.take() }?.cancel()
    }
}

extension ByteBuffer {
    /// The readable bytes as an array.
    var bytes: [UInt8] { Array(readableBytesView) }
}
