import ArgumentParser

/// Which backend a benchmark run measures.
enum BackendSelection: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The in-memory backend only.
    case memory
    /// The Redis backend only (needs `--redis`).
    case redis
    /// The memory backend, then the Redis backend.
    case both
    /// The PostgreSQL backend only (needs `--postgres`).
    case postgres
    /// The SQS backend only (`--sqs-endpoint`, or the public endpoint of `--sqs-region`).
    case sqs

    /// The backends this selection expands to, in run order.
    var kinds: [BackendKind] {
        switch self {
        case .memory: [.memory]
        case .redis: [.redis]
        case .both: [.memory, .redis]
        case .postgres: [.postgres]
        case .sqs: [.sqs]
        }
    }
}

/// One backend measured by a phase.
enum BackendKind: String, Sendable {
    /// `MemoryBackendFactory`.
    case memory
    /// `RedisBackendFactory`.
    case redis
    /// `PostgresBackendFactory`.
    case postgres
    /// `SQSBackendFactory`.
    case sqs
}
