import Deferrable

/// A backend that passes every queue call on to another one, after `beforeCall` (which fails the call by throwing),
/// and records when each lease extension was confirmed: for tests that make a backend fail or follow a lease.
public final class InterceptingBackend: Backend, JobQueue {
    /// The backend every call goes to.
    public let inner: any Backend
    /// When each `extendLease` that returned `true` returned, oldest first.
    public let confirmedExtensions = Locked<[ContinuousClock.Instant]>([])
    private let beforeCall: @Sendable () throws -> Void

    /// Wraps `inner`; `beforeCall` runs before every queue call.
    public init(inner: any Backend, beforeCall: @escaping @Sendable () throws -> Void = {}) {
        self.inner = inner
        self.beforeCall = beforeCall
    }

    public var group: String { inner.group }
    public var queue: any JobQueue { self }
    public var errorQueue: any ErrorQueue { inner.errorQueue }

    public func push(_ job: OutgoingJob) async throws {
        try beforeCall()
        try await inner.queue.push(job)
    }

    public func pushBatch(_ jobs: [OutgoingJob]) async throws {
        try beforeCall()
        try await inner.queue.pushBatch(jobs)
    }

    public func pop(lease: Duration, waitingUpTo wait: Duration) async throws -> LeasedJob? {
        try beforeCall()
        return try await inner.queue.pop(lease: lease, waitingUpTo: wait)
    }

    public func extendLease(_ job: LeasedJob, by lease: Duration) async throws -> Bool {
        try beforeCall()
        let held = try await inner.queue.extendLease(job, by: lease)
        if held { confirmedExtensions.withLock { $0.append(.now) } }
        return held
    }

    public func settle(_ job: LeasedJob, _ settlement: Settlement, tally: TaskTally?) async throws -> Bool {
        try beforeCall()
        return try await inner.queue.settle(job, settlement, tally: tally)
    }

    public func postpone(id: String, by delay: Duration) async throws -> Bool {
        try beforeCall()
        return try await inner.queue.postpone(id: id, by: delay)
    }

    public func flush() async throws {
        try beforeCall()
        try await inner.queue.flush()
    }

    public func stats() async throws -> QueueStats {
        try beforeCall()
        return try await inner.queue.stats()
    }
}
