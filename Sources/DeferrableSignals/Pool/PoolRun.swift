import Synchronization

/// The meeting point of a running item's task and its caller: whichever of the body's end, the time limit and the
/// caller's cancellation comes first decides, once.
final class PoolRun<T: Sendable>: Sendable {
    enum End: Sendable {
        case finished(Result<T, any Error>)
        case timedOut
        case cancelled
    }

    private struct State {
        var end: End?
        var waiter: CheckedContinuation<End, Never>?
    }

    private let state = Mutex(State())

    /// Offers an end; only the first is kept.
    func end(_ end: End) {
        let waiter = state.withLock { state -> CheckedContinuation<End, Never>? in
            guard state.end == nil else { return nil }
            state.end = end
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: end)
    }

    /// Waits for the first end.
    func wait() async -> End {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> End? in
                if let end = state.end { return end }
                state.waiter = continuation
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }
}
