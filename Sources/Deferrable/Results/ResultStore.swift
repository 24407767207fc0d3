/// Where a backend keeps the terminal records of jobs that return a value, and how callers wait for them.
///
/// Records are written only by settlements (``Settlement/complete(result:)``,
/// ``Settlement/deadLetter(payload:error:result:)``), in the same atomic step that ends the job, and expire by
/// themselves after their TTL. Implementations must be safe to call from many tasks at once.
public protocol ResultStore: Sendable {
    /// In one atomic step: the job's stored record if there is one, else whether the job is still queued (ready,
    /// delayed or running).
    func lookup(id: String) async throws -> ResultLookup

    /// Waits up to `timeout` for the job's record, without polling, and returns the lookup at the end of the wait
    /// (``ResultLookup/pending`` if the job is still not done). A waiter is registered before the stored record is
    /// checked, so a record written in between is never missed. A `timeout` of zero looks once; callers keep it at
    /// most ``EnvelopeBounds/longestDuration`` (``JobFuture`` clamps it).
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled, or the backend's error.
    func wait(for id: String, upTo timeout: Duration) async throws -> ResultLookup

    /// How many records are stored now (expired ones are not counted).
    func count() async throws -> Int
}

/// What a ``ResultStore`` knows about one job.
public enum ResultLookup: Sendable, Equatable {
    /// The job is queued, delayed or running: it has not reached a terminal state.
    case pending
    /// The job reached a terminal state; its record's bytes (``JobResultRecord``).
    case finished([UInt8])
    /// Neither a record nor a queued job: its record's TTL passed, it never kept one, or there is no such job.
    case unknown
}
