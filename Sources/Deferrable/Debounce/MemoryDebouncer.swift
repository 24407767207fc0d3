import Synchronization

/// A debouncer for one process, with the same rule as the Redis debouncer.
///
/// The decision and its record are one step under a lock; the push that follows is a second step on the
/// backend. If the push fails, the record is rolled back so later calls are not joined to a job that does
/// not exist.
public final class MemoryDebouncer: Debouncer {
    private let clock: any DeferrableClock
    /// A record and the time after which it no longer matters (a window after its copy became runnable).
    private struct Entry {
        var state: DebounceRule.State
        var expiresAt: Int64
    }

    private let states = Mutex<[String: Entry]>([:])

    /// Creates a debouncer that reads `clock` (use the backend's clock).
    public init(clock: any DeferrableClock = SystemClock()) {
        self.clock = clock
    }

    /// Decides under a lock, then pushes or postpones on `backend`; see ``Debouncer/submit(_:to:)``.
    public func submit(_ request: DebounceRequest, to backend: any Backend) async throws -> DebounceDecision {
        try OutgoingJob.validate(id: request.job.id)
        let now = clock.nowMillis()
        let window = request.window.wholeMilliseconds
        let (action, previous) = states.withLock { states -> (DebounceRule.Action, DebounceRule.State?) in
            if states.count > 10_000 {
                states = states.filter { $0.value.expiresAt > now }
            }
            let previous = states[request.key].flatMap { $0.expiresAt > now ? $0.state : nil }
            let action = DebounceRule.decide(state: previous, pendingIsWaiting: true, now: now, window: window, mode: request.mode)
            switch action {
            case .push(let runnableAt):
                states[request.key] = Entry(
                    state: .init(runnableAt: runnableAt, id: request.job.id, burstStart: now), expiresAt: runnableAt + window)
            case .postpone(let runnableAt):
                states[request.key]?.state.runnableAt = runnableAt
                states[request.key]?.expiresAt = runnableAt + window
            case .join:
                break
            }
            return (action, previous)
        }
        switch action {
        case .join:
            guard let previous else { preconditionFailure("a join always has a pending copy") }
            return .joined(id: previous.id, runnableAt: previous.runnableAt)
        case .push(let runnableAt):
            return try await push(request, runnableAt: runnableAt, now: now, backend: backend, restoring: previous)
        case .postpone(let runnableAt):
            guard let previous else { preconditionFailure("a postpone always has a pending copy") }
            let postponed: Bool
            do {
                postponed = try await backend.queue.postpone(id: previous.id, by: .milliseconds(runnableAt.subtractingSaturated(now)))
            } catch {
                restore(previous, key: request.key, replacing: previous.id, window: window)
                throw error
            }
            if postponed {
                return .extended(id: previous.id, runnableAt: runnableAt)
            }
            // The pending copy is no longer waiting: push a new copy for this call instead.
            states.withLock {
                $0[request.key] = Entry(
                    state: .init(runnableAt: runnableAt, id: request.job.id, burstStart: previous.burstStart),
                    expiresAt: runnableAt + window)
            }
            return try await push(request, runnableAt: runnableAt, now: now, backend: backend, restoring: previous)
        }
    }

    private func push(
        _ request: DebounceRequest,
        runnableAt: Int64,
        now: Int64,
        backend: any Backend,
        restoring previous: DebounceRule.State?
    ) async throws -> DebounceDecision {
        var job = request.job
        job.delay = .milliseconds(max(0, runnableAt.subtractingSaturated(now)))
        do {
            try await backend.queue.push(job)
        } catch {
            restore(previous, key: request.key, replacing: job.id, window: request.window.wholeMilliseconds)
            throw error
        }
        return runnableAt > now ? .pushedDelayed(id: job.id, runnableAt: runnableAt) : .pushedNow(id: job.id, at: now)
    }

    /// Puts `previous` back if the record still names job `id` (a newer record of another call is kept).
    private func restore(_ previous: DebounceRule.State?, key: String, replacing id: String, window: Int64) {
        states.withLock { states in
            guard states[key]?.state.id == id else { return }
            states[key] = previous.map { Entry(state: $0, expiresAt: $0.runnableAt + window) }
        }
    }
}
