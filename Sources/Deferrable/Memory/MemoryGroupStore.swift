import Synchronization

/// Thread-safe storage of one in-memory group, shared by its main queue and error queue.
final class MemoryGroupStore: Sendable {
    let clock: any DeferrableClock
    let limits: ErrorQueueLimits
    private let state = Mutex(MemoryGroupState())

    init(clock: any DeferrableClock, limits: ErrorQueueLimits) {
        self.clock = clock
        self.limits = limits
    }

    func withState<T>(_ body: (inout MemoryGroupState, Int64) throws -> T) rethrows -> T {
        let now = clock.nowMillis()
        return try state.withLock { try body(&$0, now) }
    }

    /// Runs `body` under the lock, then wakes up to `wake(result)` waiting consumers.
    func mutatingAndWaking<T>(_ body: (inout MemoryGroupState, Int64) -> T, wake: (T) -> Int) -> T {
        let now = clock.nowMillis()
        let (result, woken) = state.withLock { state -> (T, [CheckedContinuation<Void, Never>]) in
            let result = body(&state, now)
            var woken: [CheckedContinuation<Void, Never>] = []
            var count = wake(result)
            if count > 0 { state.pushEpoch &+= 1 }
            while count > 0, let key = state.waiters.keys.first {
                woken.append(state.waiters.removeValue(forKey: key)!)
                count -= 1
            }
            return (result, woken)
        }
        for continuation in woken { continuation.resume() }
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

    private func resumeWaiter(_ key: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: key) }?.resume()
    }
}
