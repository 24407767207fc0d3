/// Operations on a group's error queue: list, inspect, requeue and purge.
public struct ErrorQueueAdmin: Sendable {
    let deferrable: Deferrable

    private var errorQueue: any ErrorQueue { deferrable.backend.errorQueue }

    /// Entries, oldest first.
    public func list(offset: Int = 0, limit: Int = 100) async throws -> [DeadJob] {
        try await errorQueue.list(offset: offset, limit: limit)
    }

    /// One entry by job id.
    public func entry(id: String) async throws -> DeadJob? {
        try await errorQueue.entry(id: id)
    }

    /// Number of entries.
    public func count() async throws -> Int {
        try await errorQueue.count()
    }

    /// Moves entry `id` back to the main queue as a fresh job: same id, name, arguments and metadata,
    /// attempts reset to 0, TTL clock restarted, runnable at once.
    /// - Returns: `false` if there is no such entry.
    /// - Throws: ``RequeueError/notAnEnvelope(id:reason:)`` if the stored payload is not a valid envelope
    ///   (it stays in the error queue).
    @discardableResult
    public func requeue(id: String) async throws -> Bool {
        guard let dead = try await errorQueue.entry(id: id) else { return false }
        return try await requeue(dead)
    }

    /// Requeues every entry present when the call starts that holds a valid envelope; returns how many were
    /// requeued.
    ///
    /// The entries are listed first and then requeued, so a job that fails again while this runs (a worker is
    /// running) stays in the error queue instead of being requeued over and over.
    @discardableResult
    public func requeueAll() async throws -> Int {
        var snapshot: [DeadJob] = []
        let total = try await errorQueue.count()
        while snapshot.count < total {
            let batch = try await errorQueue.list(offset: snapshot.count, limit: min(500, total - snapshot.count))
            snapshot += batch
            if batch.isEmpty { break }
        }
        var requeued = 0
        for dead in snapshot where dead.envelope != nil {
            if try await requeue(dead) {
                requeued += 1
            }
        }
        return requeued
    }

    /// Removes entry `id`; `false` if there was none.
    @discardableResult
    public func remove(id: String) async throws -> Bool {
        try await errorQueue.remove(id: id)
    }

    /// Removes every entry; returns how many there were.
    @discardableResult
    public func purge() async throws -> Int {
        try await errorQueue.purge()
    }

    private func requeue(_ dead: DeadJob) async throws -> Bool {
        let envelope: JobEnvelope
        do {
            envelope = try EnvelopeCodec.decode(dead.payload)
        } catch {
            throw RequeueError.notAnEnvelope(id: dead.id, reason: error.description)
        }
        var fresh = envelope
        let now = deferrable.clock.nowMillis()
        fresh.attempts = 0
        fresh.firstPushedAt = now
        fresh.lastPushedAt = now
        fresh.notBefore = nil
        return try await errorQueue.requeue(
            id: dead.id,
            as: OutgoingJob(
                id: fresh.id, payload: EnvelopeCodec.encode(fresh), keepsResult: fresh.resultTTLMillis != nil))
    }
}

/// Why an error-queue entry could not be requeued.
public enum RequeueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stored payload is not a valid envelope, so it cannot run; it stays in the error queue.
    case notAnEnvelope(id: String, reason: String)

    public var description: String {
        switch self {
        case .notAnEnvelope(let id, let reason): "error queue entry \(id) cannot be requeued: \(reason)"
        }
    }
}

extension Deferrable {
    /// The group's error queue.
    public var errors: ErrorQueueAdmin { ErrorQueueAdmin(deferrable: self) }

    /// Exact counts of the group's jobs by state.
    public func stats() async throws -> QueueStats {
        try await backend.queue.stats()
    }

    /// Removes every job of the group (ready, delayed, in flight); the error queue is kept.
    public func flush() async throws {
        try await backend.queue.flush()
    }
}
