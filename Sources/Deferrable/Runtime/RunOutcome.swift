/// What one call of ``Deferrable/runOnce(waitingUpTo:)`` did.
///
/// More cases may be added in later versions: include a `default` branch when you switch over it.
public enum RunOutcome: Sendable, Equatable {
    /// Nothing was runnable within the wait.
    case empty
    /// The job ran and succeeded.
    case completed(JobRef)
    /// The job failed with a retriable error and was pushed again; `attempt` is the run that failed.
    case retried(JobRef, attempt: Int, delay: Duration)
    /// The job went to the error queue.
    case failed(JobRef, reason: String)
    /// The job was past its TTL and was dropped without running.
    case expired(JobRef)
    /// The job body discarded itself.
    case discarded(JobRef, reason: String)
    /// The job body rescheduled itself without using an attempt.
    case rescheduled(JobRef, delay: Duration)
    /// The job's circuit breaker was open, so the job was not run but rescheduled by `delay` without using an attempt.
    case waitedOnCircuit(JobRef, breaker: String, delay: Duration)
    /// The run was cancelled (e.g. worker shutdown) and the job was handed back, runnable at once.
    case handedBack(JobRef)
    /// The lease was lost while the job ran (it lapsed, or an extension was refused): the run was cancelled and its
    /// result dropped; the job is runnable again for whichever consumer reclaims it.
    case leaseLost(JobRef)

    /// The job the outcome is about, if any.
    public var job: JobRef? {
        switch self {
        case .empty: nil
        case .completed(let job), .retried(let job, _, _), .failed(let job, _), .expired(let job),
            .discarded(let job, _), .rescheduled(let job, _), .waitedOnCircuit(let job, _, _), .handedBack(let job),
            .leaseLost(let job):
            job
        }
    }

    /// A short label: `empty`, `completed`, `retried`, `failed`, `expired`, `discarded`, `rescheduled`,
    /// `waitedOnCircuit`, `handedBack`, `leaseLost` (used as a metrics dimension).
    public var label: String {
        switch self {
        case .empty: "empty"
        case .completed: "completed"
        case .retried: "retried"
        case .failed: "failed"
        case .expired: "expired"
        case .discarded: "discarded"
        case .rescheduled: "rescheduled"
        case .waitedOnCircuit: "waitedOnCircuit"
        case .handedBack: "handedBack"
        case .leaseLost: "leaseLost"
        }
    }
}

/// Identifies a job in outcomes and events.
public struct JobRef: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The job id.
    public let id: String
    /// The job name (`"?"` when the payload could not be read).
    public let name: String
    /// The group.
    public let group: String

    /// Creates a reference.
    public init(id: String, name: String, group: String) {
        self.id = id
        self.name = name
        self.group = group
    }

    public var description: String { "\(name)#\(id)" }
}
