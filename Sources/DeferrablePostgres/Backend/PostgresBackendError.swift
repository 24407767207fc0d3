/// Errors of the PostgreSQL backend. Errors of the server itself are passed up as postgres-nio's `PSQLError`.
public enum PostgresBackendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not a valid `postgres://` URL.
    case invalidURL(String, reason: String)
    /// The schema name is not a plain lower-case SQL identifier.
    case invalidSchemaName(String, reason: String)
    /// A database call did not finish within ``PostgresBackendSettings/operationTimeout`` (the server is down,
    /// unreachable, or too slow); it may or may not have taken effect.
    case timedOut(operation: String, after: Duration)
    /// The factory was closed.
    case closed
    /// The database answered with something the backend cannot read (a schema changed by hand, or a newer
    /// version of this library).
    case unexpectedReply(String)
    /// The schema was migrated by a newer version of this library than this one knows.
    case schemaTooNew(version: Int, known: Int)
    /// The job handle's instance does not push to a PostgreSQL backend, so it cannot push inside a transaction.
    case notAPostgresBackend(group: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid PostgreSQL URL '\(url)': \(reason)"
        case .invalidSchemaName(let name, let reason): "invalid schema name '\(name)': \(reason)"
        case .timedOut(let operation, let after): "PostgreSQL \(operation) did not finish within \(after)"
        case .closed: "the PostgreSQL backend factory is closed"
        case .unexpectedReply(let detail): "unexpected reply from PostgreSQL: \(detail)"
        case .schemaTooNew(let version, let known):
            "the schema is at version \(version), newer than the \(known) this library knows"
        case .notAPostgresBackend(let group):
            "group '\(group)' does not push to a PostgreSQL backend, so it cannot push inside a transaction"
        }
    }
}
