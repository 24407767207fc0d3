/// The second step of a debouncer whose records live in another store than the job's backend: performs a decision
/// that was already recorded (push, or postpone the pending copy) on the backend.
///
/// If the step fails, `release` is called with the recorded job id (the store deletes its record only if it still
/// names that job), so later calls push a copy of their own instead of joining one that does not exist or already
/// ran; then the error is thrown.
package enum DebounceSecondStep {
    /// Performs `decision` (made at `now`, epoch ms of the store's clock) for `request` on `backend`. When an
    /// ``DebounceDecision/extended(id:runnableAt:)`` copy is no longer waiting, pushes a copy for this call, calls
    /// `recordPushedID` with its id, and returns ``DebounceDecision/pushedDelayed(id:runnableAt:)``.
    package static func perform(
        _ decision: DebounceDecision,
        request: DebounceRequest,
        now: Int64,
        backend: any Backend,
        recordPushedID: (String) async throws -> Void,
        release: (String) async -> Void
    ) async throws -> DebounceDecision {
        let recordedID: String
        switch decision {
        case .joined:
            return decision
        case .pushedNow(let id, _), .pushedDelayed(let id, _), .extended(let id, _):
            recordedID = id
        }
        do {
            switch decision {
            case .joined:
                return decision
            case .pushedNow, .pushedDelayed:
                let runnableAt: Int64 = if case .pushedDelayed(_, let at) = decision { at } else { now }
                var job = request.job
                job.delay = .milliseconds(max(0, runnableAt.subtractingSaturated(now)))
                try await backend.queue.push(job)
                return decision
            case .extended(let id, let runnableAt):
                let delay = Duration.milliseconds(max(0, runnableAt.subtractingSaturated(now)))
                if try await backend.queue.postpone(id: id, by: delay) { return decision }
                // The pending copy is no longer waiting: push a copy for this call and record it.
                var job = request.job
                job.delay = delay
                try await backend.queue.push(job)
                try await recordPushedID(job.id)
                return .pushedDelayed(id: job.id, runnableAt: runnableAt)
            }
        } catch {
            await release(recordedID)
            throw error
        }
    }
}
