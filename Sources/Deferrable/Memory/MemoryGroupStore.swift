import Synchronization

/// Thread-safe storage of one in-memory group, shared by its main queue and error queue.
final class MemoryGroupStore: Sendable {
    let clock: any DeferrableClock
    let limits: ErrorQueueLimits
    /// The heartbeats of the group's workers.
    let workers: MemoryWorkerDirectory
    private let state: Mutex<MemoryGroupState>

    init(clock: any DeferrableClock, limits: ErrorQueueLimits, maxResults: Int) {
        self.clock = clock
        self.limits = limits
        self.workers = MemoryWorkerDirectory(clock: clock)
        self.state = Mutex(MemoryGroupState(maxResults: maxResults))
    }

    func withState<T>(_ body: (inout MemoryGroupState, Int64) throws -> T) rethrows -> T {
        let now = clock.nowMillis()
        return try state.withLock { try body(&$0, now) }
    }

    /// Runs `body` under the lock, then wakes up to `wake(result)` waiting consumers and resumes the result waiters
    /// it found (``MemoryGroupState/resultWakeups``).
    func mutatingAndWaking<T>(_ body: (inout MemoryGroupState, Int64) -> T, wake: (T) -> Int) -> T {
        let now = clock.nowMillis()
        let (result, woken, resultWakeups) = state.withLock {
            state -> (T, [CheckedContinuation<Void, Never>], [(MemoryResultState.Waiter, ResultLookup?)]) in
            let result = body(&state, now)
            let resultWakeups = state.resultWakeups
            if !resultWakeups.isEmpty { state.resultWakeups.removeAll() }
            var woken: [CheckedContinuation<Void, Never>] = []
            var count = wake(result)
            if count > 0 { state.pushEpoch &+= 1 }
            while count > 0, let key = state.waiters.keys.first {
                woken.append(state.waiters.removeValue(forKey: key)!)
                count -= 1
            }
            return (result, woken, resultWakeups)
        }
        for continuation in woken { continuation.resume() }
        for (waiter, value) in resultWakeups { waiter.resume(returning: value) }
        return result
    }

    /// Waits until a push wakes this consumer, or `duration` passes, or the task is cancelled. Returns at
    /// once if a job became runnable after the caller read `epoch` (no wake-up is lost between the caller's
    /// check and this wait).
    func waitForWork(upTo duration: Duration, unlessPushedSince epoch: UInt64) async {
        let key = state.withLock { $0.nextSequence() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waitNow = state.withLock { state in
                    guard state.pushEpoch == epoch, !Task.isCancelled else { return false }
                    state.waiters[key] = continuation
                    return true
                }
                guard waitNow else {
                    continuation.resume()
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(for: duration)
                    self?.resumeWaiter(key)
                }
            }
        } onCancel: {
            resumeWaiter(key)
        }
    }

    /// Consumers now waiting in ``waitForWork(upTo:unlessPushedSince:)`` (tests synchronise on it).
    var waitingConsumers: Int {
        state.withLock { $0.waiters.count }
    }

    /// Waits up to `duration` for job `id`'s record (see ``ResultStore/wait(for:upTo:)``).
    func waitForResult(id: String, upTo duration: Duration) async throws -> ResultLookup {
        guard duration > .zero else { return withState { state, now in state.resultLookup(id: id, now: now) } }
        let key = state.withLock { $0.nextSequence() }
        let woken: ResultLookup? = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ResultLookup?, Never>) in
                let timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: duration)) != nil else { return }
                    self?.resumeResultWaiter(id: id, key: key)
                }
                let now = clock.nowMillis()
                let lookup = state.withLock { state -> ResultLookup? in
                    let lookup = state.resultLookup(id: id, now: now)
                    guard lookup == .pending, !Task.isCancelled else { return lookup }
                    state.results.addWaiter(.init(continuation: continuation, timer: timer), id: id, key: key)
                    return nil
                }
                if let lookup {
                    timer.cancel()
                    continuation.resume(returning: lookup)
                }
            }
        } onCancel: {
            resumeResultWaiter(id: id, key: key)
        }
        if case .finished = woken { return woken! }
        try Task.checkCancellation()
        if let woken { return woken }
        return withState { state, now in state.resultLookup(id: id, now: now) }
    }

    private func resumeResultWaiter(id: String, key: UInt64) {
        state.withLock { $0.results.removeWaiter(id: id, key: key) }?.resume(returning: nil)
    }

    private func resumeWaiter(_ key: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: key) }?.resume()
    }
}
