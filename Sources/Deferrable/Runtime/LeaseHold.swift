import Synchronization

/// One consumer's hold on a leased job, from the pop to the settlement: until when the lease is known to be held,
/// whether it was lost, and the run to cancel when it is.
///
/// The known deadline is conservative: it counts from the instant the request that took or extended the lease was
/// sent (``LeasedJob/leasedAt`` for the pop), so the backend's own deadline is never earlier.
final class LeaseHold: Sendable {
    /// Why a lease was lost.
    enum Loss: Sendable, Equatable {
        /// The backend refused an extension: another consumer may hold the job now.
        case refused
        /// The known deadline passed before an extension was confirmed.
        case expired
    }

    private struct State {
        var heldUntil: ContinuousClock.Instant
        var loss: Loss?
        /// Set once the run settles: the lease is no longer extended, and a later refusal is no loss.
        var settling = false
        var cancelRun: (@Sendable () -> Void)?
    }

    /// The held job.
    let job: LeasedJob
    private let state: Mutex<State>

    init(job: LeasedJob, lease: Duration) {
        self.job = job
        state = Mutex(State(heldUntil: job.leasedAt + lease))
    }

    /// Until when the lease is known to be held.
    var heldUntil: ContinuousClock.Instant { state.withLock { $0.heldUntil } }

    /// Why the lease was lost, if it was.
    var loss: Loss? { state.withLock { $0.loss } }

    /// Whether the lease still needs extending: not lost and not settling.
    var needsExtending: Bool { state.withLock { $0.loss == nil && !$0.settling } }

    /// Records an extension the backend confirmed, sent at `sent` for `lease`.
    func confirm(sentAt sent: ContinuousClock.Instant, lease: Duration) {
        state.withLock { state in
            guard state.loss == nil else { return }
            state.heldUntil = max(state.heldUntil, sent + lease)
        }
    }

    /// Records that the lease is lost and cancels the run going on under it. Returns `false`, changing nothing, when
    /// the lease was lost already or the run is settling.
    @discardableResult
    func lose(_ loss: Loss) -> Bool {
        let (recorded, cancel) = state.withLock { state -> (Bool, (@Sendable () -> Void)?) in
            guard state.loss == nil, !state.settling else { return (false, nil) }
            state.loss = loss
            return (true, state.cancelRun)
        }
        cancel?()
        return recorded
    }

    /// Stops extending the lease, as the run settles; returns until when the lease is known to be held.
    func beginSettling() -> ContinuousClock.Instant {
        state.withLock { state in
            state.settling = true
            return state.heldUntil
        }
    }

    /// Runs `body` on a task of its own, cancelled when the lease is lost or the calling task is cancelled.
    ///
    /// Where the platform has `Task.immediate`, the task starts on the calling thread: a body that does not suspend
    /// runs to its end without a thread hop.
    func cancellingOnLoss(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let run: Task<Void, any Error>
        if #available(macOS 26, iOS 26, watchOS 26, tvOS 26, visionOS 26, *) {
            run = Task.immediate { try await body() }
        } else {
            run = Task { try await body() }
        }
        let lostAlready = state.withLock { state in
            state.cancelRun = { run.cancel() }
            return state.loss != nil
        }
        if lostAlready { run.cancel() }
        defer { state.withLock { $0.cancelRun = nil } }
        try await withTaskCancellationHandler {
            try await run.value
        } onCancel: {
            run.cancel()
        }
    }
}
