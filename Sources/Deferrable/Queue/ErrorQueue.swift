/// The error queue of a group: jobs that failed for good, kept for inspection and requeue.
///
/// Bounded by ``ErrorQueueLimits``: every insert trims entries that are too old and, past the count limit,
/// the oldest ones.
public protocol ErrorQueue: Sendable {
    /// Entries, oldest first, skipping `offset` and returning at most `limit`.
    func list(offset: Int, limit: Int) async throws -> [DeadJob]
    /// One entry by job id.
    func entry(id: String) async throws -> DeadJob?
    /// Number of entries.
    func count() async throws -> Int
    /// Atomically removes entry `id` and pushes `job` onto the group's main queue; `false` if no such entry.
    func requeue(id: String, as job: OutgoingJob) async throws -> Bool
    /// Removes entry `id`; `false` if there was none.
    func remove(id: String) async throws -> Bool
    /// Removes every entry and returns how many there were.
    func purge() async throws -> Int
}
