import DequeModule
import Synchronization

/// An asynchronous lock granted in order of arrival: ``Signal/dispatchInOrder(_:errors:)`` holds it so that two
/// dispatches of one signal never run their listeners at the same time.
///
/// A waiter that is cancelled leaves the queue with `CancellationError`; the lock is never granted to it.
final class SerialGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held = false
        var nextID: UInt64 = 0
        var waiters: Deque<Waiter> = []
    }

    private let state = Mutex(State())

    /// Waits until the lock is free and takes it.
    /// - Throws: `CancellationError` when the caller is cancelled before it gets the lock.
    func acquire() async throws {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    // A cancellation that came before the waiter is queued finds nothing to remove: seen here.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !state.held {
                        state.held = true
                        return .success(())
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// The dispatches waiting for the lock now.
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Hands the lock to the oldest waiter, or frees it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let waiter = state.waiters.popFirst() else {
                state.held = false
                return nil
            }
            return waiter.continuation
        }
        next?.resume()
    }
}
