import Logging
import Synchronization

/// Keeps the leases of running jobs alive: one background task extends every held lease each third of the
/// lease duration, and stops when nothing is held.
final class LeaseKeeper: Sendable {
    private struct State {
        var held: [String: LeasedJob] = [:]
        var running = false
    }

    private let queue: any JobQueue
    private let lease: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(queue: any JobQueue, lease: Duration, logger: Logger) {
        self.queue = queue
        self.lease = lease
        self.logger = logger
    }

    /// Runs `body` while keeping `job`'s lease alive.
    func holding<T>(_ job: LeasedJob, _ body: () async throws -> T) async throws -> T {
        let start = state.withLock { state in
            state.held[job.id + "\u{0}" + job.leaseToken] = job
            defer { state.running = true }
            return !state.running
        }
        if start {
            Task { await self.extendWhileHeld() }
        }
        defer { _ = state.withLock { $0.held.removeValue(forKey: job.id + "\u{0}" + job.leaseToken) } }
        return try await body()
    }

    private func extendWhileHeld() async {
        while true {
            try? await Task.sleep(for: lease / 3)
            let jobs = state.withLock { state -> [LeasedJob]? in
                if state.held.isEmpty {
                    state.running = false
                    return nil
                }
                return Array(state.held.values)
            }
            guard let jobs else { return }
            for job in jobs {
                do {
                    if try await !queue.extendLease(job, by: lease) {
                        logger.warning("lease lost while the job runs", metadata: ["job.id": "\(job.id)"])
                    }
                } catch {
                    logger.warning("could not extend a lease", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
                }
            }
        }
    }
}
