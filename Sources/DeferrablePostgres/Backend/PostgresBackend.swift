import Deferrable

/// A group's PostgreSQL queues and stores.
struct PostgresBackend: Backend {
    let group: String
    let queue: any JobQueue
    let errorQueue: any ErrorQueue
    let results: (any ResultStore)?
    let statistics: (any TaskStatisticsStore)?
    let workers: (any WorkerDirectory)?
    let inspector: (any QueueInspector)?
    /// The database the group lives in (for pushes inside a caller's transaction).
    let database: PostgresDatabase
}
