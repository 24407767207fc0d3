/// How idle consumers of a PostgreSQL backend learn that a job became runnable.
public enum PostgresWakeMode: Sendable, Equatable {
    /// One connection per factory runs `LISTEN`; a push sends `NOTIFY` inside its own transaction, so a job that is
    /// rolled back wakes nobody. Waits are still cut short by the safety poll, so a lost notification delays a job by
    /// at most ``PostgresBackendSettings/safetyPollInterval``.
    case listen
    /// No `LISTEN`: idle consumers look again every ``PostgresBackendSettings/safetyPollInterval`` and when the next
    /// delayed job or lease deadline is due. For connections through PgBouncer in transaction mode, where `LISTEN`
    /// does not work.
    case pollOnly
}
