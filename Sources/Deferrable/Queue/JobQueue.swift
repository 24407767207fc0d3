/// The main queue of a group: where jobs wait, get leased, and are settled.
///
/// This is the `Queue` of the original library, named `JobQueue` so it does not clash with other
/// frameworks' `Queue` types. Implementations must be safe to call from many tasks at once.
///
/// Contract:
/// - ``push(_:)``/``pushBatch(_:)`` make jobs runnable after their delay, in FIFO order of becoming runnable.
/// - ``pop(lease:waitingUpTo:)`` takes one runnable job and records its lease in one atomic step. Before
///   looking for a job it reclaims jobs whose lease lapsed (they become runnable again with their reclaim
///   count increased) and promotes delayed jobs that are due. When nothing is runnable it waits up to
///   `waitingUpTo` for a job without busy-polling, then returns `nil`.
/// - ``settle(_:_:tally:)`` ends a lease atomically; it returns `false` (and changes nothing) when the lease is
///   no longer held by that token. A consumer whose settlement throws repeats it with the same token until the lease
///   deadline, so a backend whose call can fail after the settlement took effect (a lost reply) must recognise the
///   repeat: it returns `true` and changes nothing again.
public protocol JobQueue: Sendable {
    /// Pushes one job.
    func push(_ job: OutgoingJob) async throws
    /// Pushes many jobs in as few round trips as the backend allows.
    func pushBatch(_ jobs: [OutgoingJob]) async throws
    /// Leases the next runnable job, waiting up to `waitingUpTo` for one.
    func pop(lease: Duration, waitingUpTo: Duration) async throws -> LeasedJob?
    /// Pushes the lease deadline of a held job to `lease` from now; `false` if the lease is no longer held.
    func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool
    /// Ends the lease of a held job as `settlement` says, atomically; `false` if the lease was lost. A backend whose
    /// call can fail after the settlement took effect answers a repeat with the same token with `true`, changing nothing.
    /// In the same atomic step, and only when the lease was held, it counts `tally` in the group's task statistics
    /// (``Backend/statistics``; a backend that keeps none ignores it); a repeat counts nothing again. A queue that
    /// wraps another passes `tally` on.
    func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool
    /// Moves the due time of a job that is still delayed to `delay` from now (used by debouncing);
    /// `false`, changing nothing, when the job is not delayed (already runnable, running or gone).
    func postpone(id: String, by delay: Duration) async throws -> Bool
    /// Removes every job of the group: ready, delayed and in flight, and the stored results (the error queue is left
    /// alone).
    func flush() async throws
    /// Exact counts by state, error queue included.
    func stats() async throws -> QueueStats
    /// Whether this queue keeps jobs in this process and can store an envelope as a value
    /// (``OutgoingJob/envelope``) and hand it back to the consumer (``LeasedJob/envelope``). `later()` then skips
    /// encoding, and the consumer decoding. Queues that write bytes somewhere else say `false` (the default) and get
    /// jobs already encoded, on the producer's cores.
    var keepsEnvelopeValues: Bool { get }
}

extension JobQueue {
    /// Settles without counting anything in the task statistics.
    public func settle(_ job: LeasedJob, _ settlement: Settlement) async throws -> Bool {
        try await settle(job, settlement, tally: nil)
    }

    /// `false`: jobs arrive encoded.
    public var keepsEnvelopeValues: Bool { false }
}
