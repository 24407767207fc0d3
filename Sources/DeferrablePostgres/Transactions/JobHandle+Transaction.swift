import Deferrable
import Logging
import PostgresNIO

extension JobHandle {
    /// Pushes the job inside the caller's open transaction on `connection` (the connection `PostgresClient`'s
    /// `withTransaction` hands out): the job exists, and an idle worker is woken, only if that transaction commits;
    /// on rollback there is no row, no notification and no run.
    ///
    /// ```swift
    /// try await client.withTransaction(logger: logger) { connection in
    ///     try await connection.query("INSERT INTO orders (id) VALUES (\(orderID))", logger: logger)
    ///     try await sendReceipt.later(Receipt(orderID: orderID), on: connection)
    /// }
    /// ```
    ///
    /// `connection` must reach the database of the handle's PostgreSQL backend (the schema is the backend's).
    /// - Throws: ``PostgresBackendError/notAPostgresBackend(group:)`` when the handle's instance does not push to a
    ///   PostgreSQL backend; `DeferrableError.invalidOption` for a debounced job (its debouncer decides outside the
    ///   transaction); the database's error (the caller's transaction is then aborted, as after any failed statement).
    @discardableResult
    public func later(_ args: Args, on connection: PostgresConnection, logger: Logger? = nil) async throws -> JobReceipt {
        try await laterMany([args], on: connection, logger: logger)[0]
    }

    /// Pushes one job per element of `args` inside the caller's open transaction on `connection` (see
    /// ``later(_:on:logger:)``).
    @discardableResult
    public func laterMany(_ args: [Args], on connection: PostgresConnection, logger: Logger? = nil) async throws -> [JobReceipt] {
        guard let postgres = backend as? PostgresBackend else {
            throw PostgresBackendError.notAPostgresBackend(group: backend.group)
        }
        let logger = logger ?? postgres.database.logger
        return try await laterMany(args) { jobs in
            for job in jobs { try OutgoingJob.validate(id: job.id) }
            for chunk in PostgresJobQueue.chunks(of: jobs) {
                try await connection.query(
                    PostgresJobQueue.pushQuery(schema: postgres.database.schema.sql, group: postgres.group, jobs: chunk),
                    logger: logger)
            }
        }
    }
}
