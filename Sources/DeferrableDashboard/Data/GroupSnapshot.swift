import Deferrable

/// What the overview and `/metrics` show of one group: its counts by state, its queue latency and its live workers.
struct GroupSnapshot: Sendable {
    let group: String
    let stats: QueueStats
    /// The age of the oldest runnable job (`nil` inside when none is runnable).
    let latency: Support<Duration?>
    /// How many live workers consume the group.
    let workers: Support<Int>

    /// Reads the snapshot of `backend`'s group.
    static func load(_ backend: any Backend) async throws -> GroupSnapshot {
        async let stats = backend.queue.stats()
        async let latency = Support.read(backend.inspector) { try await $0.oldestRunnableAge() }
        async let workers = Support.read(backend.workers) { try await $0.workers().count }
        return try await GroupSnapshot(group: backend.group, stats: stats, latency: latency, workers: workers)
    }
}
