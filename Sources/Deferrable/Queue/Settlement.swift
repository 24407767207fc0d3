/// How a consumer ends its hold on a leased job. Each settlement is one atomic step in every backend.
public enum Settlement: Sendable {
    /// Remove the job for good (it ran, expired or was discarded). A `result` is stored in the same atomic step, so a
    /// completion that is acknowledged has its result readable; `nil` (jobs that return nothing) stores nothing.
    case complete(result: StoredResult? = nil)
    /// Put the job back, runnable after `delay`. A new `payload` replaces the stored envelope (and resets the
    /// reclaim count, which the new payload's attempts include); `nil` keeps both, to hand a job back unchanged.
    case requeue(payload: [UInt8]?, delay: Duration)
    /// Move the job to the group's error queue with its payload and the reason; a `result` (the failure, for a job
    /// whose caller may wait for it) is stored in the same atomic step.
    case deadLetter(payload: [UInt8], error: ErrorRecord, result: StoredResult? = nil)
}
