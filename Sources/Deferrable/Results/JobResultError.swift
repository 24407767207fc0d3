/// Why a ``JobFuture`` has no value to return.
///
/// Every terminal state other than success has its own case; ``notDone(jobID:waited:)`` is not terminal (the future
/// stays usable: wait again).
public enum JobResultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job went to the error queue: the error record says why (type name, message, attempts, as text).
    case failed(jobID: String, ErrorRecord)
    /// The job was past its TTL and was dropped without running.
    case expired(jobID: String)
    /// The job body discarded itself with this reason.
    case discarded(jobID: String, reason: String)
    /// The job ended, but there is no value to give back.
    case resultNotKept(jobID: String, reason: ResultNotKeptReason)
    /// The job did not reach a terminal state within the wait.
    case notDone(jobID: String, waited: Duration)
    /// The stored record, or its value, does not decode (as the future's value type, for the value).
    case unreadable(jobID: String, reason: String)

    public var description: String {
        switch self {
        case .failed(let id, let record):
            "job \(id) failed after \(record.attempts) attempt(s): \(record.type): \(record.message)"
        case .expired(let id): "job \(id) expired before it ran"
        case .discarded(let id, let reason): "job \(id) was discarded: \(reason)"
        case .resultNotKept(let id, let reason): "job \(id) has no result: \(reason)"
        case .notDone(let id, let waited): "job \(id) was not done within \(HumanDuration(waited))"
        case .unreadable(let id, let reason): "the result of job \(id) cannot be read: \(reason)"
        }
    }
}

/// Why a job that ended has no value to give back.
public enum ResultNotKeptReason: Sendable, Equatable, CustomStringConvertible {
    /// The job completed, but its value's JSON was larger than the consumer's limit.
    case tooLarge(size: Int, limit: Int)
    /// The job completed, but its value could not be encoded.
    case notEncodable(reason: String)
    /// The job completed on a consumer whose registration of it returns nothing.
    case noValue
    /// No record and no queued job: the record's TTL passed, or there is no such job.
    case missing

    /// The reason a stored record gives for not keeping its value.
    public init(_ notKept: JobResultRecord.NotKept) {
        switch notKept {
        case .tooLarge(let size, let limit): self = .tooLarge(size: size, limit: limit)
        case .notEncodable(let reason): self = .notEncodable(reason: reason)
        case .noValue: self = .noValue
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "its value of \(size) bytes was over the limit of \(limit) bytes"
        case .notEncodable(let reason): "its value could not be encoded (\(reason))"
        case .noValue: "the consumer that ran it registered it as a job that returns nothing"
        case .missing: "no result is stored (its time to live passed, or there is no such job)"
        }
    }
}
