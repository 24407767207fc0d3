/// Errors thrown by Deferrable's API for bad input or misuse. Each says what is wrong in one line.
public enum DeferrableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A job with this name is already registered on this instance.
    case duplicateJobName(String)
    /// An option value or combination is not valid; the message says which and why.
    case invalidOption(job: String, reason: String)
    /// A value of the instance's ``JobDefaults`` is out of range; the message says which and why.
    case invalidDefaults(String)
    /// A group name is not valid.
    case invalidGroupName(String, reason: String)
    /// A job id given to a queue is not valid (empty, or with a NUL character).
    case invalidJobID(String, reason: String)
    /// A metadata provider with this namespace is already registered.
    case duplicateMetadataNamespace(String)
    /// The arguments could not be encoded as JSON.
    case argumentsNotEncodable(job: String, reason: String)
    /// The encoded envelope is larger than the configured maximum.
    case envelopeTooLarge(job: String, size: Int, limit: Int)
    /// The debouncer failed and the job's debounce failure mode is "fail closed".
    case debounceFailed(job: String, reason: String)
    /// A `Worker` was given no instance to run jobs of.
    case noInstances
    /// The group's backend keeps no job results, so jobs that return a value and futures are not available.
    case resultsNotSupported(group: String)
    /// The group's backend keeps no task statistics.
    case statisticsNotSupported(group: String)
    /// The group's backend cannot push a job only if its id is free (its queue is no ``IdempotentJobQueue``), so
    /// caller-chosen job ids and unique jobs are refused.
    case jobIDsNotSupported(group: String)
    /// A worker heartbeat given to a ``WorkerDirectory`` is not valid; the message says which field and why.
    case invalidWorkerHeartbeat(id: String, reason: String)

    public var description: String {
        switch self {
        case .duplicateJobName(let name):
            "a job named '\(name)' is already registered"
        case .invalidOption(let job, let reason):
            "invalid options for job '\(job)': \(reason)"
        case .invalidDefaults(let reason):
            "invalid JobDefaults: \(reason)"
        case .invalidGroupName(let name, let reason):
            "invalid group name '\(name)': \(reason)"
        case .invalidJobID(let id, let reason):
            "invalid job id '\(id)': \(reason)"
        case .duplicateMetadataNamespace(let namespace):
            "a metadata provider for namespace '\(namespace)' is already registered"
        case .argumentsNotEncodable(let job, let reason):
            "arguments of job '\(job)' cannot be encoded as JSON: \(reason)"
        case .envelopeTooLarge(let job, let size, let limit):
            "job '\(job)' is \(size) bytes once encoded, over the limit of \(limit) bytes"
        case .debounceFailed(let job, let reason):
            "debouncing job '\(job)' failed: \(reason)"
        case .noInstances:
            "a Worker needs at least one Deferrable instance"
        case .resultsNotSupported(let group):
            "the backend of group '\(group)' keeps no job results"
        case .statisticsNotSupported(let group):
            "the backend of group '\(group)' keeps no task statistics"
        case .jobIDsNotSupported(let group):
            "the backend of group '\(group)' cannot tell whether a job id is taken: caller-chosen ids and unique jobs need one that can"
        case .invalidWorkerHeartbeat(let id, let reason):
            "invalid heartbeat of worker '\(id)': \(reason)"
        }
    }
}
