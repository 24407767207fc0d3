/// How an item's wait for a slot of a ``ShortTermPool`` ended.
enum PoolAdmission: Sendable {
    /// It holds a slot now, after waiting this long.
    case admitted(waited: Duration)
    /// Its pickup deadline passed before a slot was free.
    case expired(waited: Duration)
    /// It made room in a full queue for a newer item.
    case dropped(waited: Duration)
    /// The queue was full and the policy refuses new items.
    case rejected
    /// The queue was full and the policy runs the item in its caller, outside the bound.
    case runInCaller
    /// Its caller was cancelled while it waited.
    case cancelled
}

/// An item waiting for a slot.
struct PoolWaiter {
    let id: UInt64
    let submitted: Duration
    let deadline: Duration
    let continuation: CheckedContinuation<PoolAdmission, Never>
}

/// A waiter to resume, once the pool's lock is released.
struct PoolResumption {
    let continuation: CheckedContinuation<PoolAdmission, Never>
    let admission: PoolAdmission

    func resume() {
        continuation.resume(returning: admission)
    }
}
