import Synchronization

/// One caller waiting for a job's result on Redis: woken by the subscription when the job's id is published, when the
/// subscription's connection is lost (the caller re-checks), at its deadline, or when its task is cancelled.
final class RedisResultWaiter: Sendable {
    /// Why a waiter woke.
    enum Wake: Sendable {
        /// The job's id was published: its record was written (carried in the message when it is small).
        case published(record: [UInt8]?)
        /// The subscription's connection was lost or replaced: messages may have been missed.
        case resubscribe
        /// The deadline passed.
        case deadline
        /// The waiting task was cancelled.
        case cancelled
    }

    private struct State {
        var wake: Wake?
        var continuation: CheckedContinuation<Wake, Never>?
    }

    let channel: String
    let id: String
    let key: UInt64
    private let state = Mutex(State())

    init(channel: String, id: String, key: UInt64) {
        self.channel = channel
        self.id = id
        self.key = key
    }

    /// Wakes the waiter, or makes its next ``next(until:)`` return at once. Cancellation and the deadline win over a
    /// wake-up already pending, so that neither is lost.
    func wake(_ reason: Wake) {
        let continuation = state.withLock { state -> CheckedContinuation<Wake, Never>? in
            if let continuation = state.continuation {
                state.continuation = nil
                return continuation
            }
            switch (state.wake, reason) {
            case (.cancelled, _), (.deadline, .published), (.deadline, .resubscribe), (.published(record: _?), .resubscribe): break
            default: state.wake = reason
            }
            return nil
        }
        continuation?.resume(returning: reason)
    }

    /// Suspends until the next wake-up (one already pending returns at once), at the latest at `deadline`.
    func next(until deadline: ContinuousClock.Instant) async -> Wake {
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            self?.wake(.deadline)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
                let pending = state.withLock { state -> Wake? in
                    if let wake = state.wake {
                        state.wake = nil
                        return wake
                    }
                    state.continuation = continuation
                    return nil
                }
                if let pending { continuation.resume(returning: pending) }
            }
        } onCancel: {
            wake(.cancelled)
        }
    }
}
