/// The outcome of a pushed job that returns a `Value`: ask whether it is done, or wait for its value.
///
/// A future is a job id plus the group's ``ResultStore``; it holds no connection and costs nothing while unused. Rebuild
/// one in another process with ``Deferrable/future(for:as:errors:)``. It follows the job across retries and reschedules
/// until the job reaches a terminal state, and can be read any number of times until the record's TTL passes.
///
/// ```swift
/// let future = try await resize.later(Photo(id: 7))
/// // … later, maybe in another request:
/// let thumbnail = try await deferrable.future(for: future.id, as: Thumbnail.self).result(waitingUpTo: .seconds(5))
/// ```
public struct JobFuture<Value: Codable & Sendable>: Sendable {
    /// The job id.
    public let id: String
    /// The group the job was pushed to.
    public var group: String { deferrable.group }
    /// The push's receipt; `nil` for a future rebuilt from an id.
    public let receipt: JobReceipt?
    let deferrable: Deferrable
    let store: any ResultStore
    let errors: CodableJobErrorRegistry

    /// Whether the job reached a terminal state (or has no record any more: ``result(waitingUpTo:)`` then throws
    /// ``JobResultError/resultNotKept(jobID:reason:)``). Answers without waiting: one lookup.
    /// - Throws: the backend's error when it cannot be asked.
    public func isDone() async throws -> Bool {
        try await store.lookup(id: id) != .pending
    }

    /// The job's value, waiting up to `wait` for the job to reach a terminal state (a wait of zero asks once).
    ///
    /// Waiting does not poll: the backend resumes the caller when the record is written. The wait is cancellable (the
    /// calling task's cancellation ends it with `CancellationError`).
    /// - Throws: ``JobResultError`` for every terminal state without a value and for ``JobResultError/notDone(jobID:waited:)``
    ///   (the future stays usable); the job's own error when its type is a ``CodableJobError`` listed on both sides;
    ///   the backend's error when it cannot be asked.
    public func result(waitingUpTo wait: Duration) async throws -> Value {
        let record = try await record(waitingUpTo: wait)
        switch record.state {
        case .completed:
            if let notKept = record.notKept { throw JobResultError.resultNotKept(jobID: id, reason: ResultNotKeptReason(notKept)) }
            guard let json = record.valueJSON else { throw JobResultError.unreadable(jobID: id, reason: "the record has no value") }
            do {
                return try ArgumentsDecoder.decode(Value.self, from: json)
            } catch {
                throw JobResultError.unreadable(jobID: id, reason: "the value does not decode as \(Value.self): \(error)")
            }
        case .failed:
            if let typed = record.typedError, let error = errorRegistry(forJobNamed: record.name).decode(typed) { throw error }
            let error =
                record.error ?? ErrorRecord(type: "Unknown", message: "the job failed", attempts: 0, host: "", at: record.finishedAt)
            throw JobResultError.failed(jobID: id, error)
        case .expired:
            throw JobResultError.expired(jobID: id)
        case .discarded:
            throw JobResultError.discarded(jobID: id, reason: record.reason ?? "")
        }
    }

    /// The job's terminal record, waiting up to `wait` for it (a wait of zero asks once; a negative one counts as zero,
    /// one over ``EnvelopeBounds/longestDuration`` as that).
    /// - Throws: ``JobResultError/notDone(jobID:waited:)``, ``JobResultError/resultNotKept(jobID:reason:)`` with
    ///   ``ResultNotKeptReason/missing``, ``JobResultError/unreadable(jobID:reason:)``, `CancellationError`, or the
    ///   backend's error.
    public func record(waitingUpTo wait: Duration) async throws -> JobResultRecord {
        let wait = min(max(wait, .zero), EnvelopeBounds.longestDuration)
        switch try await store.wait(for: id, upTo: wait) {
        case .pending:
            throw JobResultError.notDone(jobID: id, waited: wait)
        case .unknown:
            throw JobResultError.resultNotKept(jobID: id, reason: .missing)
        case .finished(let bytes):
            do {
                return try JobResultRecordCodec.decode(bytes)
            } catch {
                throw JobResultError.unreadable(jobID: id, reason: error.description)
            }
        }
    }

    /// The error types re-raised for a job of `name`: those given to this future, and those the job lists on this
    /// instance.
    private func errorRegistry(forJobNamed name: String) -> CodableJobErrorRegistry {
        guard let registered = deferrable.registration(named: name)?.options.resultErrors else { return errors }
        return registered.merging(errors)
    }
}
