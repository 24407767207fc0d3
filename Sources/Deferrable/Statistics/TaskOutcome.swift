/// How one run of a job ended, as task statistics count it. Every settlement of a popped job is exactly one outcome.
public enum TaskOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// The body returned (a value, or nothing).
    case succeeded
    /// The job went to the error queue (its error, exhausted attempts, arguments that do not decode, an unknown name).
    case failed
    /// The body threw an error its retry policy retries: the job runs again after its backoff.
    case retried
    /// The job's TTL passed before it could run; it was dropped.
    case expired
    /// The body asked to drop the job (`JobControl.discard`).
    case discarded
    /// The body asked to run again later (`JobControl.reschedule`).
    case rescheduled
    /// The run was stopped (a shutdown, a lost lease) and the job was handed back untouched.
    case handedBack
}
