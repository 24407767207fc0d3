/// A ``JobQueue`` that can push a job only if its id is free: what caller-chosen job ids (``PushOptions/id``) and
/// unique jobs (``Uniqueness``) need. A backend whose queue does not conform refuses both with
/// ``DeferrableError/jobIDsNotSupported(group:)``.
///
/// An id is taken while a job with it is ready, delayed or in flight in the group, and while a hold recorded by an
/// earlier push lasts. A job in the error queue does not take its id; one requeued from it does. A job that
/// ``JobQueue/push(_:)`` or ``JobQueue/pushBatch(_:)`` made runnable at once may go unseen until it is leased (the
/// memory and Redis queues keep such jobs unindexed, which keeps plain pushes cheap): give a chosen id to idempotent
/// pushes only, as `later()` does.
public protocol IdempotentJobQueue: JobQueue {
    /// Pushes each job of `jobs`, in order, whose id is free, in one atomic step per job; returns, for each job,
    /// whether it was pushed. A job whose id an earlier job of `jobs` took is not pushed. With `hold`, each pushed id
    /// stays taken for `hold` from the push (by the backend's clock), even after its job has left the queue; a hold
    /// is never shortened by a later one. `flush()` ends every hold.
    func pushIfAbsent(_ jobs: [OutgoingJob], hold: Duration?) async throws -> [Bool]
}
