/// Where a backend keeps the heartbeats of the workers that consume one group.
public protocol WorkerDirectory: Sendable {
    /// Writes `heartbeat`, replacing the worker's previous one; it is listed for `heartbeat.expiresAfterMillis` after
    /// the beat (by the backend's clock) unless beaten again.
    /// - Throws: ``DeferrableError/invalidWorkerHeartbeat(id:reason:)`` when the heartbeat is out of the bounds
    ///   ``WorkerHeartbeat/validate()`` checks, or the backend's error.
    func beat(_ heartbeat: WorkerHeartbeat) async throws
    /// Removes the heartbeat of worker `id` (a worker that stops cleanly).
    func remove(workerID id: String) async throws
    /// The heartbeats not yet expired, sorted by host, then start time.
    func workers() async throws -> [WorkerHeartbeat]
}
